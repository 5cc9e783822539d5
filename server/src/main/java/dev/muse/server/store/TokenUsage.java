package dev.muse.server.store;

/** Token counts of one assistant reply, as reported in the OpenAI {@code usage} object. */
public record TokenUsage(int promptTokens, int completionTokens) {
    public TokenUsage {
        if (promptTokens < 0 || completionTokens < 0) throw new IllegalArgumentException("token counts cannot be negative");
    }
}
