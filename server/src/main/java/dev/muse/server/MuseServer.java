package dev.muse.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muse.runtime.CapabilityException;
import dev.muse.runtime.ContextLengthException;
import dev.muse.runtime.Engine;
import dev.muse.runtime.InsufficientMemoryException;
import dev.muse.runtime.UnknownModelException;
import dev.muse.server.openai.ApiException;
import dev.muse.server.openai.ClientGoneException;
import dev.muse.server.openai.ImageUrls;
import dev.muse.server.openai.Json;
import dev.muse.server.store.ApiKey;
import dev.muse.server.store.NotFoundException;
import dev.muse.server.store.Store;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP server: OpenAI-compatible endpoints over the runtime's {@link Engine}, on Helidon SE with a virtual thread per
 * request, and Muse Studio's files when its jar is on the classpath. Binds to loopback unless told
 * otherwise, and then only with API keys.
 */
public final class MuseServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MuseServer.class.getName());
    /** Held so its filter stays: java.util.logging keeps loggers weakly. */
    private static final Logger HELIDON_CONNECTIONS = Logger.getLogger("io.helidon.webserver.http1.Http1Connection");

    static {
        // A client that closes its connection in the middle of a request header is a WARNING with a 24-line stack
        // trace in Helidon's own log (a flood of 1,000 such clients wrote 24,000 lines): one INFO line each instead.
        HELIDON_CONNECTIONS.setFilter(record -> {
            if (!cutShort(record.getThrown())) return true;
            LOG.info("a client closed the connection before sending its whole request header");
            return false;
        });
    }

    private static boolean cutShort(Throwable t) {
        for (; t != null; t = t.getCause())
            if (t instanceof io.helidon.common.buffers.DataReader.InsufficientDataAvailableException) return true;
        return false;
    }

    /**
     * @param keyOf       the key check used when keys are required: a presented secret to its valid key
     * @param connections how many connections are held at once and how long one may keep the server waiting
     */
    /** Whether chats are screened by a guard model: always (no start without one), never, or whenever one is on offer. */
    public enum Safety { ON, OFF, AUTO }

    public record Config(String host, int port, boolean requireKeys, Function<String, Optional<ApiKey>> keyOf,
                         long maxBodyBytes, int maxTokens, int maxConcurrentPerKey, int requestsPerMinute, boolean allowImageUrls,
                         Connections connections, Safety safety) {
        public Config {
            if (!requireKeys && !isLoopback(host))
                throw new IllegalArgumentException("binding to " + host + " exposes the server beyond this machine: API keys are required there");
        }

        /** Screening chats whenever a guard model is on offer. */
        public Config(String host, int port, boolean requireKeys, Function<String, Optional<ApiKey>> keyOf, long maxBodyBytes,
                      int maxTokens, int maxConcurrentPerKey, int requestsPerMinute, boolean allowImageUrls, Connections connections) {
            this(host, port, requireKeys, keyOf, maxBodyBytes, maxTokens, maxConcurrentPerKey, requestsPerMinute, allowImageUrls, connections, Safety.AUTO);
        }

        /** With the default connection limits. */
        public Config(String host, int port, boolean requireKeys, Function<String, Optional<ApiKey>> keyOf, long maxBodyBytes,
                      int maxTokens, int maxConcurrentPerKey, int requestsPerMinute, boolean allowImageUrls) {
            this(host, port, requireKeys, keyOf, maxBodyBytes, maxTokens, maxConcurrentPerKey, requestsPerMinute, allowImageUrls,
                    Connections.defaults(), Safety.AUTO);
        }

        public static Config local(int port) {
            return new Config("127.0.0.1", port, false, key -> Optional.empty(), 8 << 20, 8192, 8, 600, false);
        }
    }

    /**
     * Limits that keep a flood of connections from taking the server down: at most {@code max} open at once (kept
     * well below the process's file descriptor limit, which once ran out under ~20,000 unfinished headers and left
     * the listener dead); a connection waiting {@code idleTimeout} for its next request is closed; and a request
     * whose header is not complete within {@code requestTimeout} of its first byte, or whose body sends nothing for
     * that long, has its connection closed ({@link SlowRequests}). A request being answered is never cut.
     */
    public record Connections(int max, java.time.Duration idleTimeout, java.time.Duration requestTimeout) {
        public Connections {
            if (max < 1) throw new IllegalArgumentException("at least one connection");
        }

        /** Half the process's file descriptors, at most 1,024; 30 s idle between requests; 30 s for a request to arrive. */
        public static Connections defaults() {
            long descriptors = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix
                    ? unix.getMaxFileDescriptorCount() : 2048;
            return new Connections((int) Math.clamp(descriptors / 2, 16, 1024), java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(30));
        }
    }

    private final WebServer server;
    private final Engine engine;
    private final Store store;
    private final Pulls pulls;
    private final SlowRequests slowRequests;
    private final HeapTrim heapTrim = new HeapTrim();
    private final Screening screening;
    private final DocumentIndexer indexer;
    private final DocumentsService documents;

    /** Serves the models of {@code engine}, keeping conversations in {@code store}; closing the server closes both. */
    public MuseServer(Config config, Engine engine, Store store) {
        this(config, engine, store, engine::moderate);
    }

    /** With chats screened by verdicts from {@code guard} (the screening's own tests choose what it flags). */
    MuseServer(Config config, Engine engine, Store store, Screening.Guard guard) {
        this.engine = engine;
        this.store = store;
        this.pulls = new Pulls(engine.cacheFolder());
        this.slowRequests = new SlowRequests(config.connections().requestTimeout());
        Metrics metrics = new Metrics();
        Access access = new Access(config.requireKeys(), config.keyOf(),
                new Access.Limits(config.maxBodyBytes(), config.maxTokens(), config.maxConcurrentPerKey(), config.requestsPerMinute()), metrics);
        ClientWatch clients = new ClientWatch();
        this.screening = new Screening(engine, config.safety(), guard, store.moderationAudit());
        this.indexer = new DocumentIndexer(engine, store.documents());
        this.documents = new DocumentsService(engine, store.documents(), indexer);
        Remembering remembering = new Remembering(engine, store.memories());
        Generations generations = new Generations(metrics, clients);
        StudioAssets studio = new StudioAssets();
        HttpRouting.Builder routing = HttpRouting.builder()
                .addFilter(slowRequests)
                .addFilter(heapTrim)
                .addFilter(access)
                .get("/health", (req, res) -> {
                    ObjectNode body = Json.object();
                    body.put("status", "ok");
                    body.put("models_loaded", engine.resident().size());
                    // never silently unguarded: whether moderation has a guard model, and which
                    List<String> guards = engine.guardModels();
                    ObjectNode safety = body.putObject("safety");
                    safety.put("guard_model", guards.isEmpty() ? null : guards.getFirst());
                    safety.put("moderation", guards.isEmpty() ? "unavailable: no guard model (a Llama Guard 3 GGUF) is installed" : "available");
                    safety.put("screening", screening.describe());
                    safety.put("image_classifier", engine.imageGuardModel().orElse(null));
                    safety.put("image_screening", screening.describeImages());
                    Json.send(res, 200, body);
                })
                .get("/metrics", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                    res.send(metrics.render(engine.resident()));
                })
                .register("/v1/models", new ModelsService(engine))
                .register("/v1/library", new LibraryService(pulls, config.maxBodyBytes()))
                .register("/v1/chat/completions", new ChatService(engine, access, generations, store, screening,
                        new ImageUrls(config.allowImageUrls(), config.maxBodyBytes()), documents, remembering))
                .register("/v1/conversations", new ConversationService(store, access))
                .register("/v1/completions", new CompletionsService(engine, access, generations))
                .register("/v1/embeddings", new EmbeddingsService(engine, access))
                .register("/v1/audio", new AudioService(engine, access, clients))
                .register("/v1/audio", new SpeechService(engine, access, clients))
                .register("/v1/images", new ImagesService(engine, access, clients, screening))
                .register("/v1/provenance", new ProvenanceService(engine))
                .register("/v1/documents", documents)
                .register("/v1/memories", new MemoriesService(store.memories(), remembering))
                .register("/v1/moderations", new ModerationsService(engine, access, store.moderationAudit(), new ImageUrls(config.allowImageUrls(), config.maxBodyBytes())))
                .get("/", studio::index)
                .register("/studio", studio)
                .error(ApiException.class, (req, res, e) -> Json.send(res, e.status(), Json.error(e)))
                .error(NotFoundException.class, (req, res, e) -> Json.send(res, 404, Json.error(ApiException.notFound(e.getMessage()))))
                .error(UnknownModelException.class, (req, res, e) -> Json.send(res, 404, Json.error(ApiException.modelNotFound(e.model()))))
                .error(InsufficientMemoryException.class, (req, res, e) -> Json.send(res, 503, Json.error(ApiException.unavailable(e.getMessage()))))
                .error(ContextLengthException.class, (req, res, e) ->
                        Json.send(res, 400, Json.error(ApiException.invalid("messages", "context_length_exceeded", e.getMessage()))))
                .error(CapabilityException.class, (req, res, e) -> Json.send(res, 400, Json.error(ApiException.invalid(null, "unsupported_content", e.getMessage()))))
                // one line per dropped connection, not a stack trace each (a flood test once logged 29,000 lines)
                .error(ClientGoneException.class, (req, res, e) -> {
                    LOG.info(e.getMessage() + " (" + req.prologue().method().text() + " " + req.prologue().uriPath().path() + ")");
                    try { // an answer nobody reads, so that Helidon does not report the request as unanswered
                        Json.send(res, 400, Json.error(ApiException.invalid(null, e.getMessage())));
                    } catch (RuntimeException gone) {
                        // the socket is closed: nothing more to do
                    }
                })
                .error(Exception.class, (req, res, e) -> {
                    // the details (a store's SQL error, a bug's message) go to the log only, found by the id the client gets
                    String id = java.util.HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(8).putLong(java.util.concurrent.ThreadLocalRandom.current().nextLong()).array());
                    LOG.log(Level.WARNING, "request " + id + " (" + req.prologue().method().text() + " " + req.prologue().uriPath().path() + ") failed", e);
                    Json.send(res, 500, Json.error(new ApiException(500, "server_error", null, null,
                            "The server had an error while processing your request (request id " + id + "; the server's log has the details)")));
                });
        routing.any((req, res) -> {
            throw ApiException.notFound("Unknown request URL: " + req.prologue().method().text() + " " + req.path().path());
        });
        checkPortIsFree(config.host(), config.port()); // Helidon itself logs a stack trace and starts nothing
        Connections connections = config.connections();
        this.server = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .directHandlers(MuseServer::openAiShapedRejections)
                .maxTcpConnections(connections.max())
                .idleConnectionTimeout(connections.idleTimeout())
                .idleConnectionPeriod(connections.idleTimeout().dividedBy(4)) // how often idle connections are looked for
                // a backstop: our own readers refuse first, in OpenAI's shape (audio uploads may be larger than JSON bodies)
                .maxPayloadSize(4 * Math.max(config.maxBodyBytes(), AudioService.MAX_FILE_BYTES))
                .protocolsDiscoverServices(false) // the one HTTP/1.1 configuration below, not a second one found on the classpath
                .addProtocol(Http1Config.builder().addReceiveListener(slowRequests).build())
                .routing(routing)
                .build()
                .start();
        if (!server.isRunning()) throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port());
    }

    /**
     * The answers Helidon gives by itself, before any route runs (a malformed request line, a URI or headers over its
     * limits, a body far over the payload limit), in OpenAI's error shape like every other answer: they had empty bodies.
     */
    private static void openAiShapedRejections(DirectHandlers.Builder handlers) {
        for (DirectHandler.EventType event : DirectHandler.EventType.values()) {
            handlers.addHandler(event, (request, type, status, headers, message) -> {
                boolean ours = type == DirectHandler.EventType.INTERNAL_ERROR; // no internals out
                ApiException e = new ApiException(status.code(), ours ? "server_error" : "invalid_request_error", null,
                        status.code() == 413 ? "request_too_large" : null,
                        ours ? "The server had an error while reading your request" : "The request was refused: " + status.reasonPhrase()
                                + (message == null || message.isBlank() ? "" : " (" + message + ")"));
                headers.set(HeaderNames.CONTENT_TYPE, "application/json");
                return DirectHandler.TransportResponse.builder().status(status).headers(headers)
                        .entity(Json.bytes(Json.error(e))).keepAlive(false).build();
            });
        }
    }

    /** One clear line when another process holds the port (0 picks a free one, so it is always free). */
    private static void checkPortIsFree(String host, int port) {
        if (port == 0) return;
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true); // as the server's own listener binds: a port in TIME_WAIT is free
            probe.bind(new java.net.InetSocketAddress(host, port));
        } catch (java.net.BindException e) {
            throw new IllegalStateException("port " + port + " on " + host + " is in use (another Muse?); try --port " + (port == 65535 ? 8081 : port + 1));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage());
        }
    }

    /** The port the server listens on (useful when asked for port 0). */
    public int port() { return server.port(); }

    public Engine engine() { return engine; }

    /** Whether chats are screened now, and by which guard model: what /health and the start-up line say. */
    public String screening() { return screening.describe(); }

    /** Whether pictures are screened now, and by which classifier: the start-up line's second half. */
    public String imageScreening() { return screening.describeImages(); }

    @Override public void close() {
        server.stop();
        indexer.close();
        slowRequests.close();
        heapTrim.close();
        pulls.close();
        engine.close();
        store.close();
    }

    /** Whether {@code host} names this machine's loopback interface; a host that does not resolve is an error. */
    public static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve host " + host);
        }
    }
}
