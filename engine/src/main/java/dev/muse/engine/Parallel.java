package dev.muse.engine;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of worker threads for the kernels' parallel loops. A forward pass for one token runs about 130
 * parallel loops of a few hundred microseconds each, so handing work out must cost far less than that: each loop
 * reaches every worker through a slot of its own (no queue, no per-item tasks), and idle threads spin briefly
 * before parking, because waking a parked thread costs tens of microseconds per loop (measured: Llama-3.2-1B-shaped
 * Q8_0 generation on two cores went from 17.4 to 23.9 tokens/s when a blocking queue and parked workers gave way
 * to this). The threads take contiguous chunks from a shared counter, each chunk a share of what is left (guided
 * scheduling: a quarter of the range first with two threads, then ever smaller pieces), so a thread slowed by its
 * neighbours on the machine does not hold up the loop, and the last chunks, which the other thread may wait for,
 * are short (with one fixed chunk per thread, the first one done waited for the other about a tenth of the time in
 * Q4_0 generation). The thread count comes from {@code -Dmuse.threads} or the number of cores.
 *
 * <p>One loop runs on the workers at a time; a loop started meanwhile (by another thread, or from inside a
 * loop's body) runs on its caller alone rather than wait.
 */
public final class Parallel {
    private static final int THREADS = Math.max(1, Integer.getInteger("muse.threads", Runtime.getRuntime().availableProcessors()));
    /** How long an idle thread spins before it parks: longer than the gaps between a forward pass's loops. */
    private static final long SPIN_NANOS = 200_000;
    /** Not a reentrant lock: a loop started inside a loop body on the calling thread must not take the workers. */
    private static final AtomicBoolean WORKERS_IN_USE = new AtomicBoolean();
    private static final Worker[] WORKERS = new Worker[THREADS - 1];

    static {
        for (int i = 0; i < WORKERS.length; i++) {
            WORKERS[i] = new Worker("muse-kernel-" + (i + 1));
            WORKERS[i].start();
        }
    }

    private Parallel() {}

    public static int threads() { return THREADS; }

    /** Runs body(i) for every i in [0, n), in contiguous chunks spread over the threads; returns when all are done. */
    public static void forRange(int n, IntConsumer body) {
        int helpers = Math.min(THREADS, n) - 1;
        if (helpers <= 0 || !WORKERS_IN_USE.compareAndSet(false, true)) {
            for (int i = 0; i < n; i++) body.accept(i);
            return;
        }
        try {
            Loop loop = new Loop(body, n, helpers, Thread.currentThread());
            for (int w = 0; w < helpers; w++) WORKERS[w].give(loop);
            Throwable failure = null;
            try {
                loop.runChunks();
            } catch (RuntimeException | Error e) {
                failure = e; // thrown once the workers are done with this loop, not while they still run it
            }
            loop.awaitWorkers();
            if (failure == null) failure = loop.failure;
            if (failure instanceof Error error) throw error;
            if (failure != null) throw (RuntimeException) failure;
        } finally {
            WORKERS_IN_USE.set(false);
        }
    }

    /** One parallel loop: the body, the next chunk to take, and how many workers have yet to finish with it. */
    private static final class Loop {
        final IntConsumer body;
        final int n, threads;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger pending;
        final Thread caller;
        volatile boolean callerParked;
        volatile Throwable failure;

        Loop(IntConsumer body, int n, int workers, Thread caller) {
            this.body = body;
            this.n = n;
            this.threads = workers + 1;
            this.pending = new AtomicInteger(workers);
            this.caller = caller;
        }

        /** Takes chunks until none is left: each a 1 / (2 x threads) share of what remains, at least one index. */
        void runChunks() {
            for (int start; (start = next.get()) < n; ) {
                int end = start + Math.max(1, (n - start) / (2 * threads));
                if (next.compareAndSet(start, end))
                    for (int i = start; i < end; i++) body.accept(i);
            }
        }

        /** A worker's share of the loop. */
        void run() {
            try {
                runChunks();
            } catch (RuntimeException | Error e) {
                failure = e;
            } finally {
                // a parked caller is woken only after it said so, and it checks pending once more before parking
                if (pending.decrementAndGet() == 0 && callerParked) LockSupport.unpark(caller);
            }
        }

        void awaitWorkers() {
            long start = System.nanoTime();
            while (pending.get() > 0) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                callerParked = true;
                if (pending.get() > 0) LockSupport.park(this);
                callerParked = false;
            }
        }
    }

    private static final class Worker extends Thread {
        private volatile Loop loop;
        private volatile boolean parked;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        void give(Loop loop) {
            this.loop = loop;
            if (parked) LockSupport.unpark(this);
        }

        @Override public void run() {
            while (true) {
                Loop next = awaitLoop();
                loop = null;
                next.run();
            }
        }

        private Loop awaitLoop() {
            long start = System.nanoTime();
            Loop next;
            while ((next = loop) == null) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                // Dekker-style: give() writes loop then reads parked; this writes parked then reads loop, so one sees the other
                parked = true;
                if (loop == null) LockSupport.park(this);
                parked = false;
                start = System.nanoTime();
            }
            return next;
        }
    }
}
