package dev.muse.server;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Gives memory a burst of work left in the heap back to the system once the server has been idle for a while. A
 * large request (a body of several megabytes, its JSON tree, a long prompt's activations) grows the heap, and a
 * collector keeps what it has grown to until it collects the old generation, which an idle server never makes it do:
 * the process stayed hundreds of megabytes larger after a few big requests. When no request has run for
 * {@code idle} and the heap holds more than {@code threshold} bytes beyond what was live at its last collection, one
 * full collection runs; the
 * launcher's settings (-XX:MaxHeapFreeRatio=30, -XX:-ShrinkHeapInSteps) make it shrink the heap at once.
 */
final class HeapTrim implements Filter, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HeapTrim.class.getName());

    private final long idleNanos, threshold;
    private final LongSupplier unusedBytes;
    private final Runnable collect;
    private final AtomicInteger running = new AtomicInteger();
    private volatile long lastFinished = System.nanoTime();
    private volatile boolean worked;
    private final Thread watcher;

    /** Watches this JVM's heap: 30 s idle, 64 MiB unused. */
    HeapTrim() {
        this(Duration.ofSeconds(30), 64L << 20, HeapTrim::unusedHeap, System::gc);
    }

    HeapTrim(Duration idle, long threshold, LongSupplier unusedBytes, Runnable collect) {
        this.idleNanos = idle.toNanos();
        this.threshold = threshold;
        this.unusedBytes = unusedBytes;
        this.collect = collect;
        long period = Math.max(10, idle.toMillis() / 3);
        this.watcher = Thread.ofPlatform().daemon().name("muse-heap-trim").start(() -> {
            try {
                while (true) {
                    Thread.sleep(period);
                    trimIfIdle(System.nanoTime());
                }
            } catch (InterruptedException e) {
                // closed
            }
        });
    }

    @Override public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        running.incrementAndGet();
        try {
            chain.proceed();
        } finally {
            lastFinished = System.nanoTime();
            worked = true;
            running.decrementAndGet();
        }
    }

    /** Collects once after work, when nothing runs, it has been idle long enough and enough heap lies unused. */
    boolean trimIfIdle(long now) {
        if (!worked || running.get() > 0 || now - lastFinished < idleNanos) return false;
        worked = false; // once per idle spell
        long unused = unusedBytes.getAsLong();
        if (unused < threshold) return false;
        collect.run();
        LOG.fine(() -> "idle: collected, " + (unused >> 20) + " MiB of the heap were unused");
        return true;
    }

    /**
     * Heap committed beyond what the last collection of each pool found live: what a full collection could give back
     * (garbage made since counts as unused, which is the point: an idle server has not collected it yet).
     */
    private static long unusedHeap() {
        long committed = 0, live = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() != MemoryType.HEAP) continue;
            MemoryUsage now = pool.getUsage(), afterCollection = pool.getCollectionUsage();
            committed += now.getCommitted();
            live += afterCollection != null ? afterCollection.getUsed() : now.getUsed();
        }
        return committed - live;
    }

    @Override public void close() { watcher.interrupt(); }
}
