package dev.muse.models;

/** A sequence would grow past its context window: an explicit error instead of silent truncation. */
public final class ContextOverflowException extends RuntimeException {
    public ContextOverflowException(int needed, int capacity) {
        super("sequence needs " + needed + " positions but the context holds " + capacity);
    }
}
