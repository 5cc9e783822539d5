package dev.muse.models;

import java.util.List;

/**
 * A decoder-only language model: token ids (or vectors that stand in for token embeddings) in, next-token
 * logits out. It knows nothing of text (the tokenizer is separate) nor of sampling. One instance serves many
 * sequences, each with a {@link SequenceState} of its own that the model made.
 */
public interface Decoder extends Model {
    int contextLength();

    int vocabularySize();

    /** Width of one row of the residual stream: the length of each vector a {@link Step#ofVectors} step carries. */
    int embeddingLength();

    /** Fresh state (a KV cache) for one sequence of up to {@code capacity} positions. */
    SequenceState newState(int capacity);

    /**
     * Runs the steps of several sequences as one batch, so each weight is read once for all of them
     * (continuous batching). Every step's state must be distinct and made by this model. Returns, per step,
     * the logits that follow its last row. If it fails, every state is left as it was.
     */
    float[][] forward(List<Step> steps);

    /** Appends {@code tokens} to the sequence held by {@code state} (one batch) and returns the logits after the last. */
    default float[] forward(SequenceState state, int[] tokens) {
        return forward(List.of(new Step(state, tokens)))[0];
    }

    /**
     * Rows to append to one sequence's state, as part of a batched step: token ids, or vectors that take
     * the place of token embeddings (an encoded image's embeddings, {@code rows x embeddingLength()}).
     * Rows of a {@code bidirectional} step attend to each other in both directions (Gemma 3 sees an image
     * whole), so such a step is always computed as one batch.
     */
    record Step(SequenceState state, int[] tokens, float[] vectors, int rows, boolean bidirectional) {
        public Step {
            if ((tokens == null) == (vectors == null)) throw new IllegalArgumentException("a step holds either tokens or vectors");
            if (rows <= 0) throw new IllegalArgumentException("a step needs at least one row");
            if (tokens != null && (tokens.length != rows || bidirectional))
                throw new IllegalArgumentException("a token step has one row per token and is causal");
            if (vectors != null && vectors.length % rows != 0) throw new IllegalArgumentException("vectors do not divide into " + rows + " rows");
        }

        public Step(SequenceState state, int[] tokens) {
            this(state, tokens, null, tokens.length, false);
        }

        public static Step ofVectors(SequenceState state, float[] vectors, int rows, boolean bidirectional) {
            return new Step(state, null, vectors, rows, bidirectional);
        }
    }
}
