package dev.muse.engine;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.IntConsumer;

/**
 * A fixed set of worker threads for the kernels' parallel loops. Matmuls run hundreds of times per
 * token, so the loop hands each worker one contiguous chunk (no per-item task objects, no fork/join
 * stealing). The thread count comes from {@code -Dmuse.threads} or the number of cores.
 */
public final class Parallel {
    private static final int THREADS = Integer.getInteger("muse.threads", Runtime.getRuntime().availableProcessors());
    private static final LinkedBlockingQueue<Runnable> QUEUE = new LinkedBlockingQueue<>();

    static {
        for (int t = 1; t < THREADS; t++) {
            Thread worker = new Thread(Parallel::work, "muse-kernel-" + t);
            worker.setDaemon(true);
            worker.start();
        }
    }

    private Parallel() {}

    public static int threads() { return THREADS; }

    private static void work() {
        while (true) {
            try {
                QUEUE.take().run();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Runs body(i) for every i in [0, n), split into one contiguous chunk per thread; returns when all are done. */
    public static void forRange(int n, IntConsumer body) {
        int chunks = Math.min(THREADS, n);
        if (chunks <= 1) {
            for (int i = 0; i < n; i++) body.accept(i);
            return;
        }
        CountDownLatch done = new CountDownLatch(chunks - 1);
        RuntimeException[] failure = new RuntimeException[1];
        for (int c = 1; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks), to = (int) ((long) n * (c + 1) / chunks);
            QUEUE.add(() -> {
                try {
                    for (int i = from; i < to; i++) body.accept(i);
                } catch (RuntimeException e) {
                    failure[0] = e;
                } finally {
                    done.countDown();
                }
            });
        }
        int end = (int) ((long) n / chunks);
        for (int i = 0; i < end; i++) body.accept(i);
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for kernel threads", e);
        }
        if (failure[0] != null) throw failure[0];
    }
}
