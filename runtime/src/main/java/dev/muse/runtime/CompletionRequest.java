package dev.muse.runtime;

import java.util.Objects;

/**
 * Plain continuation of a prompt, given as text (tokenized with the model's BOS, control-token text kept as
 * text) or as token ids. A prompt of the empty text is BOS alone: the model starts a text of its own.
 */
public record CompletionRequest(String model, String text, int[] tokens, GenerationOptions options) {
    public CompletionRequest {
        Objects.requireNonNull(model, "model");
        if ((text == null) == (tokens == null)) throw new IllegalArgumentException("a completion prompt is text or token ids");
        if (tokens != null && tokens.length == 0) throw new IllegalArgumentException("the prompt needs at least one token");
    }

    public static CompletionRequest ofText(String model, String text, GenerationOptions options) {
        return new CompletionRequest(model, text, null, options);
    }

    public static CompletionRequest ofTokens(String model, int[] tokens, GenerationOptions options) {
        return new CompletionRequest(model, null, tokens.clone(), options);
    }
}
