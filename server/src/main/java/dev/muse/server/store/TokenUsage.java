package dev.muse.server.store;

/**
 * Token counts of one assistant reply, as reported in the OpenAI {@code usage} object, and how many of the
 * conversation's oldest messages it was answered without, to fit the model's context.
 */
public record TokenUsage(int promptTokens, int completionTokens, int leftOutMessages) {
    public TokenUsage {
        if (promptTokens < 0 || completionTokens < 0 || leftOutMessages < 0) throw new IllegalArgumentException("counts cannot be negative");
    }

    /** A reply that saw the whole conversation. */
    public TokenUsage(int promptTokens, int completionTokens) {
        this(promptTokens, completionTokens, 0);
    }
}
