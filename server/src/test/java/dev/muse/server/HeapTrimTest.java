package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The heap is given back once after a burst of work, only when idle and only when much of it is unused (issue 14, item 5). */
class HeapTrimTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void collectsOnceWhenIdleAfterWorkAndOnlyWhenMuchIsUnused() throws Exception {
        AtomicInteger collections = new AtomicInteger();
        long[] unused = {200L << 20};
        try (HeapTrim trim = new HeapTrim(Duration.ofHours(1), 64L << 20, () -> unused[0], collections::incrementAndGet)) {
            long start = System.nanoTime();
            assertFalse(trim.trimIfIdle(start + 2 * 3600 * SECOND), "no work yet: nothing to give back");

            trim.filter(() -> { }, null, null); // one request
            long done = System.nanoTime();
            assertFalse(trim.trimIfIdle(done + 60 * SECOND), "not idle long enough");
            assertTrue(trim.trimIfIdle(done + 2 * 3600 * SECOND), "idle after work with 200 MiB unused");
            assertFalse(trim.trimIfIdle(done + 3 * 3600 * SECOND), "once per idle spell");

            trim.filter(() -> { }, null, null);
            unused[0] = 10L << 20;
            assertFalse(trim.trimIfIdle(System.nanoTime() + 2 * 3600 * SECOND), "little unused: a collection would not pay");
            assertEquals(1, collections.get());
        }
    }

    @Test
    void neverWhileARequestRuns() throws Exception {
        AtomicInteger collections = new AtomicInteger();
        try (HeapTrim trim = new HeapTrim(Duration.ofMillis(1), 0, () -> 1L << 30, collections::incrementAndGet)) {
            trim.filter(() -> { }, null, null);
            boolean[] during = new boolean[1];
            trim.filter(() -> during[0] = trim.trimIfIdle(System.nanoTime() + 3600 * SECOND), null, null);
            assertFalse(during[0], "a request is running");
        }
    }
}
