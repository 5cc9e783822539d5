package dev.muse.hub;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * Closes a response body that has gone silent for longer than {@code limit}: the JDK HTTP client has no read
 * timeout, and a connection that stops mid-file would otherwise hang a pull forever. Closing makes the blocked
 * read end, and {@link #stalled()} tells the copy loop why.
 */
final class StallWatch implements AutoCloseable {
    private final Thread watcher;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stalled;

    StallWatch(InputStream body, Duration limit) {
        long limitNanos = limit.toNanos();
        long tick = Math.max(10, Math.min(1000, limit.toMillis() / 4));
        watcher = Thread.ofVirtual().name("muse-pull-stall-watch").start(() -> {
            try {
                while (System.nanoTime() - lastProgress < limitNanos) Thread.sleep(tick);
                stalled = true;
                body.close();
            } catch (InterruptedException | IOException e) {
                // interrupted: the transfer ended first; a failing close leaves the read to fail on its own
            }
        });
    }

    void touch() { lastProgress = System.nanoTime(); }

    boolean stalled() { return stalled; }

    @Override public void close() { watcher.interrupt(); }
}
