package dev.muse.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.io.FilterInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Closes connections whose request arrives too slowly: a header block not complete within {@code timeout} of the
 * request line, or a body that sends nothing for {@code timeout}. Helidon 4.5 has no such timeouts for a server: its
 * read timeout configures client sockets only, and its idle check interrupts a connection only while it waits for a
 * request line, so a client could hold a connection for ever with an unfinished header or body. This listens to
 * Helidon's receive events (the request line parsed, the headers parsed), follows the body as the handler reads it
 * (a stream filter), learns from the routing when the answer is done, and a watchdog thread closes the socket of a
 * request that overstays. A request being answered is never cut.
 */
final class SlowRequests implements Http1ConnectionListener, Filter, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SlowRequests.class.getName());

    private enum Stage { HEADER, BODY, HANDLING }

    /** A connection with a request under way: its stage, and since when it waits (its request line, or its body's last bytes). */
    private static final class Request {
        final ConnectionContext connection;
        volatile Stage stage = Stage.HEADER;
        volatile long since = System.nanoTime();

        Request(ConnectionContext connection) { this.connection = connection; }
    }

    private final long timeoutNanos;
    private final Map<String, Request> requests = new ConcurrentHashMap<>();
    private final Thread watchdog;

    SlowRequests(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        this.watchdog = Thread.ofPlatform().daemon().name("muse-slow-requests").start(() -> watch(Math.max(50, timeout.toMillis() / 4)));
    }

    @Override public void prologue(ConnectionContext connection, HttpPrologue prologue) {
        requests.put(key(connection.socketId(), connection.childSocketId()), new Request(connection)); // its headers come next
    }

    @Override public void headers(ConnectionContext connection, Headers headers) {
        Request r = requests.get(key(connection.socketId(), connection.childSocketId()));
        if (r == null) return;
        boolean body = headers.contains(HeaderNames.TRANSFER_ENCODING)
                || headers.first(HeaderNames.CONTENT_LENGTH).map(length -> !length.strip().equals("0")).orElse(false);
        r.since = System.nanoTime();
        r.stage = body ? Stage.BODY : Stage.HANDLING;
    }

    /** Follows the request through its route: the body read to its end, then the answer done. */
    @Override public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Request r = requests.get(key(req.serverSocketId(), req.socketId()));
        if (r != null) {
            req.streamFilter(in -> new FilterInputStream(in) {
                @Override public int read() throws IOException { return moved(super.read()); }

                @Override public int read(byte[] b, int off, int len) throws IOException { return moved(super.read(b, off, len)); }

                private int moved(int n) {
                    if (n < 0) r.stage = Stage.HANDLING; // the handler has the whole body: it is being answered
                    else r.since = System.nanoTime(); // the body moves: its clock starts again
                    return n;
                }
            });
        }
        try {
            chain.proceed();
        } finally {
            answered(req);
        }
    }

    /** The answer is done: the connection waits for its next request (Helidon's idle timeout watches that). */
    private void answered(ServerRequest req) {
        requests.remove(key(req.serverSocketId(), req.socketId()));
    }

    private static String key(String listener, String connection) { return listener + "/" + connection; }

    private void watch(long periodMillis) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            requests.forEach((key, r) -> {
                if (!r.connection.serverSocket().isConnected()) {
                    requests.remove(key); // closed by Helidon or the client
                } else if (r.stage != Stage.HANDLING && now - r.since > timeoutNanos) {
                    requests.remove(key);
                    LOG.info("closed the connection of " + r.connection.remotePeer().host() + ": its request "
                            + (r.stage == Stage.HEADER ? "header was not complete" : "body sent nothing") + " within "
                            + Duration.ofNanos(timeoutNanos).toSeconds() + " s");
                    r.connection.serverSocket().close();
                }
            });
        }
    }

    @Override public void close() { watchdog.interrupt(); }
}
