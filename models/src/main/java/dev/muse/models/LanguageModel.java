package dev.muse.models;

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
}
