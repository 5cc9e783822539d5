package dev.muse.runtime;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Work that runs on a thread of its own and reports through a queue of events, the last of which ends it (a
 * {@link Transcription}, a {@link Drawing}); closing it (a client that went away) asks the work to stop at its next step.
 */
abstract class EventStream implements AutoCloseable {
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    volatile boolean cancelled;
    private boolean ended;

    /** The next event, waiting for it; after the last one this fails. */
    public Event next() throws InterruptedException {
        if (ended) throw new IllegalStateException("it has ended");
        Event e = events.take();
        ended = e.last();
        return e;
    }

    /** Stops the work at its next step; it then ends with an {@link Event.Error} of a cancellation. */
    public void cancel() {
        cancelled = true;
    }

    @Override public void close() { cancel(); }
}
