package dev.muse.cli;

import dev.muse.hub.BundledModel;
import dev.muse.server.MuseServer;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job: makes sure the bundled model is ready (imported from an offline model folder the first
 * time), starts the server with it and Muse Studio, the browser UI served by the same process, and opens
 * the studio in a browser (or prints its address when there is no display or with --no-browser).
 */
@Command(name = "studio", mixinStandardHelpOptions = true,
        description = "Start Muse: the server with the bundled model (stories260K) ready and Muse Studio, on 127.0.0.1.")
final class StudioCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8080", description = "port (default ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    @Option(names = "--no-browser", description = "print the studio's address instead of opening a browser")
    boolean noBrowser;

    @Override public Integer call() throws Exception {
        String bundled = BundledModel.ensure().toString();
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs(); // serve's defaults
        MuseServer server = serve.start("127.0.0.1", port, List.of(bundled));
        String api = ServeCommand.url("127.0.0.1", server.port());
        String studio = "http://127.0.0.1:" + server.port() + "/";
        boolean opened = !noBrowser && Browser.open(studio);
        System.err.printf("""
                Muse is running with %s ready.
                  Muse Studio: %s%s
                  OpenAI-compatible API: %s
                Stop with Ctrl-C.
                """, BundledModel.NAME, studio, opened ? " (opened in your browser)" : "", api);
        ServeCommand.serveUntilStopped(server);
        return 0;
    }
}
