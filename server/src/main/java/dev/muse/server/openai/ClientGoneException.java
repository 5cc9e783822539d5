package dev.muse.server.openai;

/** The client closed its connection before the request was complete: nothing to answer, and no server fault. */
public final class ClientGoneException extends RuntimeException {
    public ClientGoneException(String message, Throwable cause) {
        super(message, cause, false, false); // no stack trace: it is an event, not a bug
    }
}
