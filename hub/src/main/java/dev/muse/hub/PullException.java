package dev.muse.hub;

import java.io.IOException;

/**
 * A pull that cannot go on, said in one line a person can act on (the CLI prints the message as is).
 * Everything {@link ModelPuller} refuses or gives up on ends as one of these.
 */
public class PullException extends IOException {
    public PullException(String message) { super(message); }

    public PullException(String message, Throwable cause) { super(message, cause); }

    /** The hub could not be reached at all (no DNS, refused, no route, connect timeout): the machine looks offline. */
    public static final class Unreachable extends PullException {
        public Unreachable(String message, Throwable cause) { super(message, cause); }
    }
}
