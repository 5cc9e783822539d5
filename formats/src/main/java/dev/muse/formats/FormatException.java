package dev.muse.formats;

/** Outside data (a weight file, a checkpoint) that is malformed: the message says what and where. */
public final class FormatException extends RuntimeException {
    public FormatException(String message) {
        super(message);
    }

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
