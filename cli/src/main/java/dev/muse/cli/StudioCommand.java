package dev.muse.cli;

import dev.muse.runtime.BundledModel;
import dev.muse.server.MuseServer;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job: makes sure the bundled model is ready (imported from an offline model folder the first
 * time), then starts the server with it. The browser studio will be served by this same process.
 */
@Command(name = "studio", mixinStandardHelpOptions = true,
        description = "Start Muse: the server with the bundled model (stories260K) ready, on 127.0.0.1.")
final class StudioCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8080", description = "port (default ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    @Override public Integer call() throws Exception {
        String bundled = BundledModel.ensure().toString();
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs(); // serve's defaults
        MuseServer server = serve.start("127.0.0.1", port, List.of(bundled));
        String url = ServeCommand.url("127.0.0.1", server.port());
        System.err.printf("""
                Muse is running on %s with %s ready. Try:
                  curl %s/chat/completions -H 'Content-Type: application/json' \\
                    -d '{"model": "%s", "messages": [{"role": "user", "content": "Once upon a time"}], "max_tokens": 60}'
                Stop with Ctrl-C.
                """, url, BundledModel.NAME, url, BundledModel.NAME);
        ServeCommand.serveUntilStopped(server);
        return 0;
    }
}
