package dev.muse.server;

import dev.muse.safety.SafetyPolicy;
import dev.muse.server.openai.ApiException;
import dev.muse.server.openai.Json;
import dev.muse.server.store.ApiKey;
import dev.muse.server.store.Store;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * Who is calling and how much they may do. With keys required (any bind address other than loopback),
 * every API request and {@code /metrics} need {@code Authorization: Bearer KEY} ({@code /health} and the
 * studio's files do not); the key's owner then owns whatever the request stores. Without keys every caller is the
 * single local owner. Each owner has a request rate (token bucket per minute) and a cap on generations running at
 * once.
 */
final class Access implements Filter {
    record Limits(long maxBodyBytes, int maxTokens, int maxConcurrentPerKey, int requestsPerMinute) {}

    private final boolean requireKeys;
    private final Function<String, Optional<ApiKey>> keyOf;
    private final Limits limits;
    private final Metrics metrics;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> running = new ConcurrentHashMap<>();

    Access(boolean requireKeys, Function<String, Optional<ApiKey>> keyOf, Limits limits, Metrics metrics) {
        this.requireKeys = requireKeys;
        this.keyOf = keyOf;
        this.limits = limits;
        this.metrics = metrics;
    }

    Limits limits() { return limits; }

    boolean requireKeys() { return requireKeys; }

    @Override public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        try {
            if (path.startsWith("/v1/") || path.equals("/metrics")) {
                Caller caller = authenticate(req);
                String owner = caller.owner();
                if (!buckets.computeIfAbsent(owner, o -> new Bucket(limits.requestsPerMinute())).take())
                    throw ApiException.rateLimited("Rate limit reached: at most " + limits.requestsPerMinute() + " requests per minute for this key");
                req.context().register("muse.owner", owner);
                req.context().register("muse.admin", caller.admin());
                req.context().register("muse.tools", caller.museTools());
                req.context().register("muse.text_watermark", caller.textWatermark());
                req.context().register("muse.safety_policy", caller.safetyPolicy());
            }
            chain.proceed();
        } catch (ApiException e) {
            Json.send(res, e.status(), Json.error(e));
        } finally {
            metrics.request(endpoint(path), res.status().code());
        }
    }

    /** The owner recorded for this request by the filter. */
    static String owner(ServerRequest req) {
        return req.context().get("muse.owner", String.class).orElseThrow(() -> new IllegalStateException("no owner on " + req.path().path()));
    }

    /** Whether the caller's key gives its chats Muse's own tools unless a request says otherwise (muse keys create --tools). */
    static boolean keyHasTools(ServerRequest req) {
        return req.context().get("muse.tools", Boolean.class).orElse(false);
    }

    /** What the safety screening does with each hazard for the caller's key. */
    static SafetyPolicy safetyPolicy(ServerRequest req) {
        return req.context().get("muse.safety_policy", SafetyPolicy.class).orElse(SafetyPolicy.DEFAULT);
    }

    /** Whether the caller's key has its generated text watermarked. */
    static boolean keyMarksText(ServerRequest req) {
        return req.context().get("muse.text_watermark", Boolean.class).orElse(false);
    }

    /** Refuses with 403 unless the caller may act on the whole server: an admin key, or the local owner. */
    static void requireAdmin(ServerRequest req, String what) {
        if (!req.context().get("muse.admin", Boolean.class).orElse(false))
            throw new ApiException(403, "permission_error", null, "insufficient_permissions",
                    what + " concerns every client of this server: it needs an admin key (muse keys create --admin)");
    }

    /** Holds one of the owner's concurrent-generation permits until closed; 429 when none is free. */
    AutoCloseable generationPermit(String owner) {
        Semaphore s = running.computeIfAbsent(owner, o -> new Semaphore(limits.maxConcurrentPerKey()));
        if (!s.tryAcquire())
            throw ApiException.rateLimited("Too many concurrent requests: at most " + limits.maxConcurrentPerKey() + " generations at once for this key");
        return s::release;
    }

    /**
     * Who a request comes from, whether it may act on the whole server, whether its chats have Muse's tools by default,
     * and whether its text carries the text watermark.
     */
    private record Caller(String owner, boolean admin, boolean museTools, boolean textWatermark, SafetyPolicy safetyPolicy) {}

    private Caller authenticate(RoutingRequest req) {
        if (!requireKeys) return new Caller(Store.LOCAL_OWNER, true, false, false, SafetyPolicy.DEFAULT); // a single-user, loopback-only server
        Optional<String> header = req.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isEmpty() || !header.get().regionMatches(true, 0, "Bearer ", 0, 7))
            throw ApiException.unauthorized("You didn't provide an API key. Provide it in the Authorization header: 'Authorization: Bearer YOUR_KEY'");
        return keyOf.apply(header.get().substring(7).trim()).map(key -> new Caller(key.owner(), key.admin(), key.museTools(), key.textWatermark(), SafetyPolicy.parse(key.safetyPolicy())))
                .orElseThrow(() -> ApiException.unauthorized("Incorrect API key provided"));
    }

    /** The routes a metric label may name: anything else is "other", so a client cannot add series or text. */
    private static final java.util.Set<String> ROUTES = java.util.Set.of("/", "/health", "/metrics", "/v1/models", "/v1/chat/completions",
            "/v1/completions", "/v1/embeddings", "/v1/conversations", "/v1/library", "/v1/library/pull");

    /** Metric label for a path: its route, ids folded, so the label set stays small and fixed. */
    static String endpoint(String path) {
        if (path.startsWith("/v1/models/")) return "/v1/models/{id}";
        if (path.startsWith("/v1/conversations/")) return "/v1/conversations/{id}";
        if (path.startsWith("/studio/")) return "/studio/{file}";
        return ROUTES.contains(path) ? path : "other";
    }

    /** A token bucket refilled continuously at {@code perMinute} tokens a minute, holding at most that many. */
    private static final class Bucket {
        private final double capacity, perNano;
        private double tokens;
        private long last = System.nanoTime();

        Bucket(int perMinute) {
            this.capacity = perMinute;
            this.perNano = perMinute / 60e9;
            this.tokens = perMinute;
        }

        synchronized boolean take() {
            long now = System.nanoTime();
            tokens = Math.min(capacity, tokens + (now - last) * perNano);
            last = now;
            if (tokens < 1) return false;
            tokens -= 1;
            return true;
        }
    }
}
