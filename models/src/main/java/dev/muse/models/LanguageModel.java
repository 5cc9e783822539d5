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

    /** Tokens to append to one sequence's cache, as part of a batched step. */
    record Step(KvCache cache, int[] tokens) {
        public Step {
            if (tokens.length == 0) throw new IllegalArgumentException("a step needs at least one token");
        }
    }

    /**
     * Runs the steps of several sequences as one batch, so each weight is read once for all of them
     * (continuous batching). Every step's cache must be distinct. Returns, per step, the logits that
     * follow its last token. If it fails, every cache is left as it was.
     */
    float[][] forward(List<Step> steps);
}
