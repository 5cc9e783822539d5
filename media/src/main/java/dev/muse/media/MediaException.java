package dev.muse.media;

/**
 * Media a user sent that Muse cannot take: an unsupported format, a truncated or corrupt file, or an image
 * over the configured limits. The message is written for the user: it says what is wrong and, where it can,
 * what to send instead. Unchecked, like the other parsers' exceptions in Muse, because callers turn it into
 * one error reply at the edge rather than recover from it.
 */
public final class MediaException extends RuntimeException {
    public MediaException(String message) {
        super(message);
    }

    public MediaException(String message, Throwable cause) {
        super(message, cause);
    }
}
