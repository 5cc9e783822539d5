package dev.muse.cli;

import dev.muse.hub.ModelFiles;
import dev.muse.hub.ModelPaths;
import dev.muse.runtime.Engine;
import dev.muse.runtime.ModelInfo;
import dev.muse.runtime.Scheduler;
import dev.muse.server.MuseServer;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.muse.server.store.ApiKey;
import dev.muse.server.store.Store;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code muse serve}: the OpenAI-compatible HTTP server. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start the OpenAI-compatible server (chat, completions, models, health, metrics).",
                "Models are the files given with --model plus every .gguf in the model cache; each loads on first use."})
final class ServeCommand implements Callable<Integer> {
    /** Helidon's start-up chatter at INFO is noise on a terminal; warnings and errors still show. Held so it is not collected. */
    private static final java.util.logging.Logger HELIDON_LOG = java.util.logging.Logger.getLogger("io.helidon");

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default ${DEFAULT-VALUE}); any other than loopback requires API keys")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "port (default ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    @Option(names = {"-m", "--model"}, description = "a .gguf file or a model in the cache to offer (repeatable)")
    List<String> models = List.of();

    @Option(names = "--mmproj", paramLabel = "[MODEL=]FILE", description = {"a vision projector (llama.cpp mmproj GGUF) for a --model: MODEL=FILE, or just FILE with one --model (repeatable).",
            "A model in the cache finds mmproj-NAME.gguf beside NAME.gguf by itself."})
    List<String> projectors = List.of();

    @Option(names = "--allow-image-urls", description = "fetch http(s) image URLs in chat messages (off: only inline data: URLs); private and local addresses are always refused")
    boolean allowImageUrls;

    @Option(names = "--parallel", defaultValue = "8", description = "sequences generated at once per model (default ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = {"-c", "--context"}, defaultValue = "4096", description = "context window per sequence, at most the model's (default ${DEFAULT-VALUE})")
    int context;

    @Option(names = "--memory-budget-mib", description = "memory for resident models; least recently used idle ones are unloaded beyond it (default: 3/4 of RAM)")
    Long memoryBudgetMib;

    @Option(names = "--max-body-mib", defaultValue = "8", description = "largest request body (default ${DEFAULT-VALUE})")
    int maxBodyMib;

    @Option(names = "--max-tokens", defaultValue = "8192", description = "most tokens one request may ask to generate (default ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--max-concurrent", defaultValue = "8", description = "generations at once per API key (default ${DEFAULT-VALUE})")
    int maxConcurrent;

    @Option(names = "--rate-limit", defaultValue = "600", description = "requests per minute per API key (default ${DEFAULT-VALUE})")
    int rateLimit;

    @Option(names = "--safety", defaultValue = "auto", paramLabel = "on|off|auto",
            description = "screen what people send in chats with a guard model (Llama Guard 3 in the model cache): on (and refuse to start without one), "
                    + "off, or auto: whenever one is installed (default ${DEFAULT-VALUE}; /health and the start-up line say which)")
    String safety;

    @Option(names = "--watermarks", defaultValue = "on", paramLabel = "on|off",
            description = "an invisible watermark in every picture Muse makes (default ${DEFAULT-VALUE}); content credentials are signed either way")
    String watermarks;

    @Override public Integer call() throws Exception {
        MuseServer server = start(host, port, models);
        System.err.printf("Muse serving on %s (models: %s)%n", url(host, server.port()),
                String.join(", ", server.engine().models().stream().map(ModelInfo::id).toList()));
        System.err.println(safetyLine(server));
        serveUntilStopped(server);
        return 0;
    }

    private MuseServer.Safety safety() {
        return switch (safety) {
            case "on" -> MuseServer.Safety.ON;
            case "off" -> MuseServer.Safety.OFF;
            case "auto" -> MuseServer.Safety.AUTO;
            default -> throw new IllegalArgumentException("--safety takes on, off or auto, not " + safety);
        };
    }

    /** Never silently unguarded: which guard model screens chats and answers /v1/moderations, or that none does. */
    static String safetyLine(MuseServer server) {
        return "Safety: " + server.screening() + "\nImages: " + server.imageScreening();
    }

    static String url(String host, int port) {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/v1";
    }

    MuseServer start(String host, int port, List<String> models) {
        HELIDON_LOG.setLevel(java.util.logging.Level.WARNING);
        Map<String, ModelPaths> named = new LinkedHashMap<>();
        for (String m : models) {
            ModelPaths paths = ModelPaths.of(ModelFiles.resolve(m));
            named.put(paths.id(), paths);
        }
        for (String p : projectors) {
            int eq = p.indexOf('=');
            String id = eq > 0 ? p.substring(0, eq) : named.size() == 1 ? named.keySet().iterator().next() : null;
            if (id == null) throw new IllegalArgumentException("--mmproj " + p + ": with several models, say which: --mmproj MODEL=FILE");
            if (!named.containsKey(id)) throw new IllegalArgumentException("--mmproj " + p + ": '" + id + "' is not among the models given with --model");
            Path file = Path.of(eq > 0 ? p.substring(eq + 1) : p);
            if (!java.nio.file.Files.isRegularFile(file)) throw new IllegalArgumentException("--mmproj: no such file " + file);
            named.put(id, named.get(id).withProjector(file));
        }
        long budget = memoryBudgetMib != null ? memoryBudgetMib << 20 : physicalMemory() / 4 * 3;
        if (!watermarks.equals("on") && !watermarks.equals("off")) throw new IllegalArgumentException("--watermarks takes on or off, not " + watermarks);
        Engine engine = new Engine(new Engine.Config(List.copyOf(named.values()), ModelFiles.cache(), budget,
                Scheduler.Options.serving(parallel, context), null, null, watermarks.equals("on")));
        boolean requireKeys = !MuseServer.isLoopback(host);
        Store store = Store.openFromEnvironment();
        try {
            if (requireKeys && !store.keys().anyActive())
                throw new IllegalArgumentException("binding to " + host + " requires API keys and there are none: create one with `muse keys create`");
            return new MuseServer(new MuseServer.Config(host, port, requireKeys, key -> store.keys().authenticate(key),
                    (long) maxBodyMib << 20, maxTokens, maxConcurrent, rateLimit, allowImageUrls, MuseServer.Connections.defaults(), safety()), engine, store);
        } catch (RuntimeException e) {
            store.close();
            engine.close();
            throw e;
        }
    }

    private static long physicalMemory() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    }

    /** Serves until the process is asked to stop (Ctrl-C, SIGTERM), then closes the server from the shutdown hook. */
    static void serveUntilStopped(MuseServer server) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "muse-shutdown"));
        Thread.currentThread().join();
    }
}
