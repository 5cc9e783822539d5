package dev.muse.runtime;

import java.util.List;
import java.util.Objects;

/** Texts (or token id arrays) to embed with an embedding model, each on its own. */
public record EmbeddingRequest(String model, List<Input> inputs) {
    public EmbeddingRequest {
        Objects.requireNonNull(model, "model");
        inputs = List.copyOf(inputs);
        if (inputs.isEmpty()) throw new IllegalArgumentException("nothing to embed");
    }

    /** One input: a non-empty text, or token ids. */
    public record Input(String text, int[] tokens) {
        public Input {
            if ((text == null) == (tokens == null)) throw new IllegalArgumentException("an input is text or token ids");
            if (text != null && text.isEmpty()) throw new IllegalArgumentException("an input string cannot be empty");
            if (tokens != null && tokens.length == 0) throw new IllegalArgumentException("an input needs at least one token");
        }

        public static Input of(String text) { return new Input(text, null); }

        public static Input of(int[] tokens) { return new Input(null, tokens.clone()); }
    }

    /** One pooled, L2-normalised vector per input, in order, and the tokens they took. */
    public record Result(List<float[]> vectors, int promptTokens) {}
}
