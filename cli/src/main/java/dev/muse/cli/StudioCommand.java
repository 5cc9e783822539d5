package dev.muse.cli;

import dev.muse.hub.BundledModel;
import dev.muse.hub.ModelPaths;
import dev.muse.runtime.ModelInfo;
import dev.muse.server.MuseServer;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job: makes sure the bundled model is there (imported from an offline model folder the first
 * time), starts the server with it loaded and Muse Studio, the browser UI served by the same process, and opens
 * the studio in a browser (or prints its address when there is no display or with --no-browser).
 */
@Command(name = "studio", mixinStandardHelpOptions = true,
        description = "Start Muse: the server with the bundled model (stories260K) loaded and Muse Studio, on 127.0.0.1.")
final class StudioCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8080", description = "port (default ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    @Option(names = "--no-browser", description = "print the studio's address instead of opening a browser")
    boolean noBrowser;

    @Override public Integer call() throws Exception {
        java.nio.file.Path bundled = BundledModel.ensure();
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs(); // serve's defaults
        MuseServer server = serve.start("127.0.0.1", port, List.of(bundled.toString()));
        // Loaded before saying ready: the first message answers at once, and /v1/models shows it loaded.
        System.err.printf("Loading %s...%n", BundledModel.NAME);
        ModelInfo model = server.engine().load(ModelPaths.of(bundled).id());
        String api = ServeCommand.url("127.0.0.1", server.port());
        String studio = "http://127.0.0.1:" + server.port() + "/";
        boolean opened = !noBrowser && Browser.open(studio);
        System.err.printf("""
                Muse is running with %s loaded (%,d-token context).
                  Muse Studio: %s%s
                  OpenAI-compatible API: %s
                %s
                Stop with Ctrl-C.
                """, model.id(), model.resident().orElseThrow().contextLength(), studio, opened ? " (opened in your browser)" : "", api,
                ServeCommand.safetyLine(server));
        ServeCommand.serveUntilStopped(server);
        return 0;
    }
}
