package dev.muse.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Every index runs exactly once, failures reach the caller, and nested or concurrent loops finish. */
class ParallelTest {

    @Test
    void runsEveryIndexExactlyOnce() {
        for (int n : new int[] {0, 1, 2, 3, 17, 1000}) {
            for (int repeat = 0; repeat < 200; repeat++) {
                AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(n, 1));
                Parallel.forRange(n, seen::incrementAndGet);
                for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "n " + n + " index " + i);
            }
        }
    }

    @Test
    void chunksCoverTheRangeOnce() {
        for (int n : new int[] {0, 1, 2, 3, 17, 1000}) {
            AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(n, 1));
            Parallel.forChunks(n, (from, to) -> {
                assertTrue(from < to, "empty chunk " + from);
                for (int i = from; i < to; i++) seen.incrementAndGet(i);
            });
            for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "n " + n + " index " + i);
        }
    }

    /** Each thread starts on a share of its own; one done early takes work from the back of a slower one's share. */
    @Test
    void aThreadDoneEarlyTakesFromASlowerOnesShare() {
        assumeTrue(Parallel.threads() > 1, "one kernel thread: nothing to share");
        int n = 100 * Parallel.threads();
        Thread caller = Thread.currentThread();
        boolean[] byCaller = new boolean[n];
        Parallel.forRange(n, i -> {
            byCaller[i] = Thread.currentThread() == caller;
            if (!byCaller[i]) LockSupport.parkNanos(1_000_000); // the workers are slow: the caller is done with its share long before them
        });
        int callerShare = n / Parallel.threads(), taken = 0;
        for (int i = 0; i < callerShare; i++) assertTrue(byCaller[i], "the caller's own share went to a worker at " + i);
        for (int i = callerShare; i < n; i++) if (byCaller[i]) taken++;
        assertTrue(taken > 0, "the caller finished its share and took none of the workers'");
        assertTrue(byCaller[n - 1], "the caller took from the back of a worker's share");
    }

    @Test
    void aFailureInAnyChunkReachesTheCaller() {
        IllegalStateException boom = new IllegalStateException("boom");
        for (int failing : new int[] {0, 99}) {
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Parallel.forRange(100, i -> {
                if (i == failing) throw boom;
            }));
            assertSame(boom, thrown);
        }
        // the caller's own chunk fails at once; it rethrows only after the other chunks are done
        AtomicInteger finished = new AtomicInteger();
        assertThrows(IllegalStateException.class, () -> Parallel.forRange(Parallel.threads() * 50, i -> {
            if (i == 0) throw boom;
            if (i >= 50) {
                LockSupport.parkNanos(100_000);
                finished.incrementAndGet();
            }
        }));
        assertEquals((Parallel.threads() - 1) * 50, finished.get());
        AtomicIntegerArray seen = new AtomicIntegerArray(10);
        Parallel.forRange(10, seen::incrementAndGet); // the workers are usable again
        for (int i = 0; i < 10; i++) assertEquals(1, seen.get(i));
    }

    @Test
    void nestedAndConcurrentLoopsFinish() throws Exception {
        AtomicIntegerArray seen = new AtomicIntegerArray(64 * 64);
        Parallel.forRange(64, i -> Parallel.forRange(64, j -> seen.incrementAndGet(i * 64 + j)));
        for (int k = 0; k < 64 * 64; k++) assertEquals(1, seen.get(k), "nested " + k);

        AtomicIntegerArray counts = new AtomicIntegerArray(4 * 500);
        try (ExecutorService callers = Executors.newFixedThreadPool(4)) {
            Future<?>[] done = new Future<?>[4];
            for (int c = 0; c < 4; c++) {
                int caller = c;
                done[c] = callers.submit(() -> {
                    for (int repeat = 0; repeat < 100; repeat++) Parallel.forRange(500, i -> counts.incrementAndGet(caller * 500 + i));
                });
            }
            for (Future<?> f : done) f.get();
        }
        for (int k = 0; k < counts.length(); k++) assertEquals(100, counts.get(k), "concurrent " + k);
    }
}
