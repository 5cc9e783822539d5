package dev.muse.models;

import java.util.List;

/**
 * A decoder-only language model: token ids in, next-token logits out. It knows nothing of text (the
 * tokenizer is separate) nor of sampling. One instance serves many sequences, each with its own
 * {@link KvCache}.
 */
public interface LanguageModel {
    /** The GGUF architecture name, e.g. "llama" or "qwen3". */
    String architecture();

    int contextLength();

    int vocabularySize();

    /** A fresh KV cache for one sequence of up to {@code capacity} tokens. */
    KvCache newCache(int capacity);

    /**
     * Appends {@code tokens} to the sequence held by {@code cache} (processed as one batch) and returns the
     * logits that follow the last of them.
     */
    float[] forward(KvCache cache, int[] tokens);

    /** How the model pools hidden states into an embedding; {@link Pooling#NONE} when it declares none. */
    Pooling pooling();

    /**
     * The pooled, L2-normalised final hidden state (after the output norm) of {@code tokens}, processed on
     * their own. Only for a model whose {@link #pooling()} is not NONE.
     */
    float[] embed(int[] tokens);

    /** Width of one row of the residual stream: the length of each vector a {@link Step#ofVectors} step carries. */
    int embeddingLength();

    /**
     * Rows to append to one sequence's cache, as part of a batched step: token ids, or vectors that take
     * the place of token embeddings (an encoded image's embeddings, {@code rows x embeddingLength()}).
     * Rows of a {@code bidirectional} step attend to each other in both directions (Gemma 3 sees an image
     * whole), so such a step is always computed as one batch.
     */
    record Step(KvCache cache, int[] tokens, float[] vectors, int rows, boolean bidirectional) {
        public Step {
            if ((tokens == null) == (vectors == null)) throw new IllegalArgumentException("a step holds either tokens or vectors");
            if (rows <= 0) throw new IllegalArgumentException("a step needs at least one row");
            if (tokens != null && (tokens.length != rows || bidirectional))
                throw new IllegalArgumentException("a token step has one row per token and is causal");
            if (vectors != null && vectors.length % rows != 0) throw new IllegalArgumentException("vectors do not divide into " + rows + " rows");
        }

        public Step(KvCache cache, int[] tokens) {
            this(cache, tokens, null, tokens.length, false);
        }

        public static Step ofVectors(KvCache cache, float[] vectors, int rows, boolean bidirectional) {
            return new Step(cache, null, vectors, rows, bidirectional);
        }
    }

    /**
     * Runs the steps of several sequences as one batch, so each weight is read once for all of them
     * (continuous batching). Every step's cache must be distinct. Returns, per step, the logits that
     * follow its last row. If it fails, every cache is left as it was.
     */
    float[][] forward(List<Step> steps);
}
