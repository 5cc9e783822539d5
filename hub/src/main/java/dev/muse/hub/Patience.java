package dev.muse.hub;

import java.time.Duration;

/**
 * How long and how often a pull waits on the network. {@code connect} is short on purpose: offline, a pull must
 * fail in seconds, not minutes. {@code answer} bounds the wait for response headers, {@code stall} the silence
 * in the middle of a body (the JDK client has no read timeout of its own), {@code attempts} how many times one
 * command resumes a broken transfer before it gives up and leaves the partial file for the next run.
 */
public record Patience(Duration connect, Duration answer, Duration stall, int attempts, Duration retryDelay) {
    public static final Patience DEFAULT = new Patience(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), 3,
            Duration.ofSeconds(2));

    public Patience {
        if (attempts < 1) throw new IllegalArgumentException("at least one attempt, not " + attempts);
    }
}
