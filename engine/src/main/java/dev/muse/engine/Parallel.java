package dev.muse.engine;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of worker threads for the kernels' parallel loops. A forward pass for one token runs about 130
 * parallel loops of a few hundred microseconds each, so handing work out must cost far less than that: each loop
 * reaches every worker through a slot of its own (no queue, no per-item tasks), and idle threads spin briefly
 * before parking, because waking a parked thread costs tens of microseconds per loop (measured: Llama-3.2-1B-shaped
 * Q8_0 generation on two cores went from 17.4 to 23.9 tokens/s when a blocking queue and parked workers gave way
 * to this). Each thread owns a contiguous share of the range and works through it from the front, so its weight
 * rows stream from memory as one ascending run; a thread done with its share takes half of what is left of
 * another's, from the back, so a thread slowed by its neighbours on the machine does not hold up the loop. (Chunks
 * handed out in turn from one shared counter interleaved the two threads' reads and cost a sixth of the memory
 * bandwidth: a Q4_0 matrix-vector product over 37 MB ran at 32 against 38 GB/s with contiguous halves.) The
 * thread count comes from {@code -Dmuse.threads} or the number of cores.
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
            WORKERS[i] = new Worker(i + 1);
            WORKERS[i].start();
        }
    }

    private Parallel() {}

    public static int threads() { return THREADS; }

    /** A loop body over the indices [from, to), a contiguous chunk of the loop's range. */
    @FunctionalInterface
    public interface Chunk {
        void run(int from, int to);
    }

    /** Runs body(i) for every i in [0, n), in contiguous chunks spread over the threads; returns when all are done. */
    public static void forRange(int n, IntConsumer body) {
        forChunks(n, (from, to) -> {
            for (int i = from; i < to; i++) body.accept(i);
        });
    }

    /**
     * Runs body over chunks that together cover [0, n) once, spread over the threads; returns when all are done. For
     * bodies that do better with a range at a time than with one index per call (a kernel's set-up, its loads in
     * one stream).
     */
    public static void forChunks(int n, Chunk body) {
        int helpers = Math.min(THREADS, n) - 1;
        if (helpers <= 0 || !WORKERS_IN_USE.compareAndSet(false, true)) {
            if (n > 0) body.run(0, n);
            return;
        }
        try {
            Loop loop = new Loop(body, n, helpers, Thread.currentThread());
            for (int w = 0; w < helpers; w++) WORKERS[w].give(loop);
            Throwable failure = null;
            try {
                loop.runChunks(0);
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

    /** One parallel loop: the body, each thread's share of what is left, and how many workers have yet to finish. */
    private static final class Loop {
        /** Longs between two threads' shares, so that each sits in a cache line of its own. */
        private static final int STRIDE = 8;
        final Chunk body;
        final int threads;
        /** Per thread t, at t * STRIDE: the indices [front, back) of its share not yet taken, as front << 32 | back. */
        final AtomicLongArray shares;
        final AtomicInteger pending;
        final Thread caller;
        volatile boolean callerParked;
        volatile Throwable failure;

        Loop(Chunk body, int n, int workers, Thread caller) {
            this.body = body;
            this.threads = workers + 1;
            this.shares = new AtomicLongArray(threads * STRIDE);
            for (int t = 0; t < threads; t++) shares.set(t * STRIDE, pack((int) ((long) n * t / threads), (int) ((long) n * (t + 1) / threads)));
            this.pending = new AtomicInteger(workers);
            this.caller = caller;
        }

        private static long pack(int front, int back) { return (long) front << 32 | back; }

        /**
         * Thread self's share, a quarter of what is left of it at a time from its front, then halves of what is left
         * of the others' shares from their backs, until nothing is left.
         */
        void runChunks(int self) {
            int own = self * STRIDE;
            for (long share; (int) (share = shares.get(own)) > (int) (share >>> 32); ) {
                int front = (int) (share >>> 32), back = (int) share, end = front + Math.max(1, (back - front) / 4);
                if (shares.compareAndSet(own, share, pack(end, back))) body.run(front, end);
            }
            while (true) {
                int victim = -1, most = 0;
                long seen = 0;
                for (int t = 0; t < threads; t++) {
                    long share = shares.get(t * STRIDE);
                    int left = (int) share - (int) (share >>> 32);
                    if (left > most) {
                        victim = t;
                        most = left;
                        seen = share;
                    }
                }
                if (victim < 0) return;
                int back = (int) seen, start = back - Math.max(1, most / 2);
                if (shares.compareAndSet(victim * STRIDE, seen, pack((int) (seen >>> 32), start))) body.run(start, back);
            }
        }

        /** Worker self's part of the loop (threads are numbered from 1; the caller is 0). */
        void work(int self) {
            try {
                runChunks(self);
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

        private final int index;

        Worker(int index) {
            super("muse-kernel-" + index);
            this.index = index;
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
                next.work(index);
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
