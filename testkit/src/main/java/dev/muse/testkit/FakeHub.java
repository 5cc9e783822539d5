package dev.muse.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for the Hugging Face hub, so pull tests never touch the network. It answers the way the real
 * hub does: {@code GET /ORG/REPO/resolve/REV/PATH} is a 302 to a CDN path on the same server, carrying the LFS
 * SHA-256 in {@code X-Linked-Etag} (quoted) and the size in {@code X-Linked-Size}; the CDN path honours
 * {@code Range: bytes=N-} with 206. Knobs make it misbehave: cut the connection after some bytes, stall, ignore
 * Range, announce a wrong digest, serve without a digest, redirect somewhere odd, refuse. Every answer also
 * carries a hostile Content-Disposition file name, which a client must never use.
 */
public final class FakeHub implements AutoCloseable {
    public record Request(String method, String path, String range, String authorization) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, byte[]> byResolvePath = new ConcurrentHashMap<>();
    private final Map<String, byte[]> bySha = new ConcurrentHashMap<>();
    private final Map<String, byte[]> rawPaths = new ConcurrentHashMap<>();
    private final Map<String, String> renamedRepos = new ConcurrentHashMap<>();
    /** Resolve paths of files kept in git, not LFS: served directly with their git blob id as ETag. */
    private final java.util.Set<String> regular = ConcurrentHashMap.newKeySet();
    private volatile String blobEtagOverride;
    private final List<Request> requests = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger cutsLeft = new AtomicInteger();
    private volatile long cutAfter = -1, stallAfter = -1;
    private volatile Duration stallFor = Duration.ZERO;
    private volatile boolean ignoreRange, withoutDigest;
    private volatile String announcedSha, redirectTo;
    private volatile int refuseWith;

    private FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakeHub start() throws IOException { return new FakeHub(); }

    public URI endpoint() { return URI.create("http://127.0.0.1:" + server.getAddress().getPort()); }

    /** Serves {@code content} as {@code repo}'s file {@code path} at revision main. */
    public FakeHub serve(String repo, String path, byte[] content) { return serve(repo, "main", path, content); }

    /**
     * Serves {@code content} as a file kept in git rather than LFS (a small config or vocabulary), as the hub does:
     * straight from resolve, its ETag the git blob id, no X-Linked-* headers.
     */
    public FakeHub serveRegular(String repo, String path, byte[] content) {
        serve(repo, path, content);
        regular.add("/" + repo + "/resolve/main/" + path);
        return this;
    }

    /** Announce this ETag for regular files instead of their true git blob id. */
    public FakeHub announcingBlob(String sha1) { blobEtagOverride = sha1; return this; }

    public FakeHub serve(String repo, String revision, String path, byte[] content) {
        byResolvePath.put("/" + repo + "/resolve/" + revision + "/" + path, content);
        bySha.put(sha256(content), content);
        return this;
    }

    /**
     * Serves {@code content} as GitHub serves a raw file (raw.githubusercontent.com): {@code GET /ORG/REPO/COMMIT/PATH},
     * straight, no digest announced (point -Dmuse.github.endpoint at {@link #endpoint()}).
     */
    public FakeHub serveRaw(String repo, String commit, String path, byte[] content) {
        rawPaths.put("/" + repo + "/" + commit + "/" + path, content);
        return this;
    }

    /** Like a renamed repository on the real hub: a 307 with a relative Location to the new name. */
    public FakeHub renamed(String oldRepo, String newRepo) { renamedRepos.put(oldRepo, newRepo); return this; }

    /** Announce this digest in X-Linked-Etag instead of the true one. */
    public FakeHub announcing(String sha256) { announcedSha = sha256; return this; }

    /** Serve the file straight from resolve with no X-Linked-* headers, as the hub does for files not in LFS. */
    public FakeHub withoutDigest() { withoutDigest = true; return this; }

    /** Answer Range requests with the whole file and 200, as some mirrors do. */
    public FakeHub ignoringRange() { ignoreRange = true; return this; }

    /** The next {@code times} file bodies stop after {@code bytes} bytes: the connection is dropped mid-file. */
    public FakeHub cuttingAfter(long bytes, int times) { cutAfter = bytes; cutsLeft.set(times); return this; }

    /** File bodies go silent after {@code bytes} bytes for {@code duration}, then the connection is dropped. */
    public FakeHub stallingAfter(long bytes, Duration duration) { stallAfter = bytes; stallFor = duration; return this; }

    /** Resolve answers 302 with this Location (and still announces the digest). */
    public FakeHub redirectingTo(String location) { redirectTo = location; return this; }

    /** Resolve answers with this status and an X-Error-Message, as the hub does for gated or missing files. */
    public FakeHub refusingWith(int status) { refuseWith = status; return this; }

    public List<Request> requests() { synchronized (requests) { return List.copyOf(requests); } }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            requests.add(new Request(exchange.getRequestMethod(), path, exchange.getRequestHeaders().getFirst("Range"),
                    exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.getResponseHeaders().add("Content-Disposition", "attachment; filename=\"../../../etc/evil.gguf\"");
            if (path.startsWith("/cdn/")) serveBytes(exchange, bySha.get(path.substring("/cdn/".length())));
            else if (rawPaths.containsKey(path)) serveBytes(exchange, rawPaths.get(path));
            else resolve(exchange, path);
        } catch (IOException e) {
            // the client went away, or a knob dropped the connection on purpose
        }
    }

    private void resolve(HttpExchange exchange, String path) throws IOException {
        for (Map.Entry<String, String> rename : renamedRepos.entrySet()) {
            if (path.startsWith("/" + rename.getKey() + "/")) {
                exchange.getResponseHeaders().add("Location", "/" + rename.getValue() + path.substring(rename.getKey().length() + 1));
                exchange.sendResponseHeaders(307, -1);
                return;
            }
        }
        if (refuseWith != 0) {
            exchange.getResponseHeaders().add("X-Error-Message", "Access to this repository is restricted (fake hub)");
            exchange.sendResponseHeaders(refuseWith, -1);
            return;
        }
        byte[] content = byResolvePath.get(path);
        if (content == null) {
            exchange.getResponseHeaders().add("X-Error-Message", "Entry not found");
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        if (withoutDigest) {
            serveBytes(exchange, content);
            return;
        }
        if (regular.contains(path)) {
            exchange.getResponseHeaders().add("ETag", "\"" + (blobEtagOverride != null ? blobEtagOverride : blobSha1(content)) + "\"");
            serveBytes(exchange, content);
            return;
        }
        String sha = sha256(content);
        exchange.getResponseHeaders().add("X-Linked-Etag", "\"" + (announcedSha != null ? announcedSha : sha) + "\"");
        exchange.getResponseHeaders().add("X-Linked-Size", Long.toString(content.length));
        exchange.getResponseHeaders().add("Location", redirectTo != null ? redirectTo : endpoint() + "/cdn/" + sha);
        exchange.sendResponseHeaders(302, -1);
    }

    private void serveBytes(HttpExchange exchange, byte[] content) throws IOException {
        if (content == null) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        String range = exchange.getRequestHeaders().getFirst("Range");
        int from = 0;
        if (range != null && !ignoreRange && range.startsWith("bytes=") && range.endsWith("-")) {
            from = Integer.parseInt(range.substring(6, range.length() - 1));
            if (from >= content.length) {
                exchange.getResponseHeaders().add("Content-Range", "bytes */" + content.length);
                exchange.sendResponseHeaders(416, -1);
                return;
            }
            exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
            exchange.sendResponseHeaders(206, content.length - from);
        } else {
            exchange.sendResponseHeaders(200, content.length == 0 ? -1 : content.length);
        }
        long limit = content.length - from;
        if (cutAfter >= 0 && cutsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) limit = Math.min(limit, cutAfter);
        boolean stall = stallAfter >= 0 && stallAfter < limit;
        if (stall) limit = stallAfter;
        OutputStream body = exchange.getResponseBody();
        body.write(content, from, (int) limit);
        body.flush();
        if (stall) sleep(stallFor);
        // returning short of Content-Length: closing the exchange then drops the connection mid-file
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Git's id of a file's content: SHA-1 of "blob SIZE\0" and the bytes. */
    public static String blobSha1(byte[] content) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + content.length + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha1.digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
