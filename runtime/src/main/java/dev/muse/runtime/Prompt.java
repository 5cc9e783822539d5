package dev.muse.runtime;

import dev.muse.models.Decoder;
import dev.muse.models.Decoder.Step;
import dev.muse.models.SequenceState;
import java.util.Arrays;
import java.util.List;

/**
 * What a model reads before it generates: one row per position, each a token id or, inside an
 * {@link Embedded} span, a vector (an encoded image). The token ids at a span's rows are placeholders
 * that identify its content (negative, so never a real token): two prompts with the same ids hold the same
 * rows, which is what lets a later turn that repeats an image reuse its keys and values.
 *
 * @param tokens   token ids, with placeholders at the rows of each span
 * @param embedded the spans, in order and not overlapping
 */
public record Prompt(int[] tokens, List<Embedded> embedded) {
    /**
     * Rows given as vectors: {@code rows x width} floats replacing the token embeddings from {@code offset}.
     * A {@code bidirectional} span's rows attend to each other both ways (Gemma 3's images).
     */
    public record Embedded(int offset, int rows, float[] vectors, boolean bidirectional) {
        public Embedded {
            if (offset < 0 || rows < 1 || vectors.length % rows != 0) throw new IllegalArgumentException("bad embedded span at " + offset);
        }

        int end() { return offset + rows; }
    }

    public Prompt {
        if (tokens.length == 0) throw new IllegalArgumentException("the prompt needs at least one token");
        embedded = List.copyOf(embedded);
        int previousEnd = 0;
        for (Embedded e : embedded) {
            if (e.offset() < previousEnd || e.end() > tokens.length) throw new IllegalArgumentException("embedded spans must be in order, apart and inside the prompt");
            for (int i = e.offset(); i < e.end(); i++) if (tokens[i] >= 0) throw new IllegalArgumentException("the rows of an embedded span need placeholder (negative) ids");
            previousEnd = e.end();
        }
    }

    /** A prompt of token ids only. */
    public static Prompt of(int... tokens) {
        return new Prompt(tokens, List.of());
    }

    public int length() { return tokens.length; }

    /** This prompt with {@code more} token ids after it (itself when there are none). */
    Prompt followedBy(int[] more) {
        if (more.length == 0) return this;
        int[] all = Arrays.copyOf(tokens, tokens.length + more.length);
        System.arraycopy(more, 0, all, tokens.length, more.length);
        return new Prompt(all, embedded);
    }

    /** The span starting exactly at {@code position}, or null. */
    Embedded spanAt(int position) {
        for (Embedded e : embedded) if (e.offset() == position) return e;
        return null;
    }

    /** Where the next span at or after {@code position} starts; the prompt's length when none does. */
    int nextSpanStart(int position) {
        for (Embedded e : embedded) if (e.offset() >= position) return e.offset();
        return tokens.length;
    }

    /**
     * The longest reusable prefix no longer than {@code shared}: a span is reused whole or not at all (its
     * rows' keys depend on one another when it is bidirectional, and only a whole span proves its content).
     */
    int reusable(int shared) {
        for (Embedded e : embedded) if (shared > e.offset() && shared < e.end()) return e.offset();
        return shared;
    }

    /** Checks every row against the model: token ids within the vocabulary, vectors of its embedding width. */
    void check(Decoder model) {
        int next = 0;
        for (Embedded e : embedded) {
            if (e.vectors().length != e.rows() * model.embeddingLength())
                throw new IllegalArgumentException("an embedded span has vectors of " + e.vectors().length / e.rows() + " floats; the model needs " + model.embeddingLength());
            checkTokens(model, next, e.offset());
            next = e.end();
        }
        checkTokens(model, next, tokens.length);
    }

    private void checkTokens(Decoder model, int from, int to) {
        for (int i = from; i < to; i++)
            if (tokens[i] < 0 || tokens[i] >= model.vocabularySize()) throw new IllegalArgumentException("token id " + tokens[i] + " is outside the vocabulary");
    }

    /**
     * The next step feeding rows from {@code position} into {@code cache}: a whole span, or at most
     * {@code maxTokens} token rows stopping before the next span.
     */
    Step step(SequenceState cache, int position, int maxTokens) {
        Embedded e = spanAt(position);
        if (e != null) return Step.ofVectors(cache, e.vectors(), e.rows(), e.bidirectional());
        int end = Math.min(nextSpanStart(position), position + Math.clamp(maxTokens, 1, tokens.length - position));
        return new Step(cache, Arrays.copyOfRange(tokens, position, end));
    }

    /** Feeds the whole prompt into {@code cache} and returns the logits after its last row. */
    float[] feed(Decoder model, SequenceState cache) {
        check(model);
        float[] logits = null;
        for (int position = cache.length(); position < tokens.length; ) {
            Step step = step(cache, position, Integer.MAX_VALUE);
            logits = model.forward(List.of(step))[0];
            position += step.rows();
        }
        return logits;
    }
}
