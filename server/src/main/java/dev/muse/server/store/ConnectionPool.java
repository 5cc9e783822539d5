package dev.muse.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed number of JDBC connections, opened on first need and reused. A handful of connections is all
 * a single Muse process needs (SQLite has one writer anyway), so this stays a few dozen lines rather
 * than a pool library. Waiting for a connection blocks the caller, which is cheap for virtual threads;
 * the semaphore is fair, so a waiting request is not overtaken indefinitely.
 */
final class ConnectionPool implements AutoCloseable {
    /** Opens one connection, already configured. */
    @FunctionalInterface
    interface Opener { Connection open() throws SQLException; }

    /** An idle connection unused for this long is checked before it is handed out (a server may have dropped it). */
    private static final long CHECK_AFTER_IDLE_NANOS = 30_000_000_000L;

    private record Idle(Connection connection, long sinceNanos) {}

    private final Opener opener;
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<Idle> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean closed;

    ConnectionPool(int size, Opener opener) {
        this.opener = opener;
        this.permits = new Semaphore(size, true);
    }

    /** Waits for a free slot; the caller must {@link #giveBack} what it borrowed, exactly once. */
    Connection borrow() throws SQLException {
        if (closed) throw new StoreException("the store is closed");
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a database connection", e);
        }
        try {
            for (Idle candidate; (candidate = idle.pollFirst()) != null; ) {
                if (System.nanoTime() - candidate.sinceNanos() < CHECK_AFTER_IDLE_NANOS || candidate.connection().isValid(2)) {
                    return candidate.connection();
                }
                discard(candidate.connection());
            }
            Connection fresh = opener.open();
            open.incrementAndGet();
            return fresh;
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /** Returns a borrowed connection; one that failed in a way that may have left it unusable is closed instead. */
    void giveBack(Connection connection, boolean reusable) {
        try {
            // Most recently used first: the connection least likely to have been dropped by a server meanwhile.
            if (reusable && !closed) idle.addFirst(new Idle(connection, System.nanoTime()));
            else discard(connection);
        } finally {
            permits.release();
        }
        if (closed) closeIdle(); // close() may have run between the check above and addFirst
    }

    /** Connections currently open, borrowed or idle: never more than the pool's size. */
    int openConnections() { return open.get(); }

    @Override public void close() {
        closed = true;
        closeIdle();
    }

    private void closeIdle() {
        for (Idle candidate; (candidate = idle.pollFirst()) != null; ) discard(candidate.connection());
    }

    private void discard(Connection connection) {
        open.decrementAndGet();
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Closing is best effort: the connection is being dropped because it is unusable or no longer wanted.
        }
    }
}
