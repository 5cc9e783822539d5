package dev.muse.runtime;

/** A request that does not fit the model's context window: refused whole, never silently truncated. */
public final class ContextLengthException extends RuntimeException {
    ContextLengthException(String message) { super(message); }

    /** A prompt and the completion asked for (null: at least one token) that together exceed {@code context}. */
    static ContextLengthException of(int context, int prompt, Integer completion) {
        int asked = completion != null ? completion : 1;
        return new ContextLengthException("This model's maximum context length is " + context + " tokens. However, you requested "
                + (prompt + asked) + " tokens (" + prompt + " in the messages, " + asked + " in the completion). Please reduce the length "
                + "of the messages or completion.");
    }
}
