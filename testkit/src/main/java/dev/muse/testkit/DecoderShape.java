package dev.muse.testkit;

/**
 * The shape of a Llama-family or Gemma 3 decoder, as its GGUF metadata and tensors spell it: what
 * {@link RandomDecoder} writes. {@link TinyFamily} holds the tiny ones the tests use; benchmarks use real models'.
 *
 * @param embeddingStd      standard deviation of token_embd.weight's values
 * @param explicitHeadDim   attention.key_length / value_length are written (Qwen3, Gemma 3: heads x headDim != embedding)
 * @param postNorms         Gemma 2/3: post_attention_norm and post_ffw_norm after the attention and feed-forward outputs
 * @param slidingWindow     attention.sliding_window; 0 when absent
 * @param linearRopeScaling rope.scaling.factor with rope.scaling.type "linear"; 0 when absent
 * @param llama3RopeScaling llama3 RoPE scaling (factor, low_freq_factor, high_freq_factor, original context) as a
 *                          rope_freqs tensor; null when absent
 */
public record DecoderShape(String architecture, int embedding, int feedForward, int layers, int heads, int kvHeads, int headDim, int context,
                           float ropeTheta, float rmsEps, float embeddingStd, boolean tied, boolean qkvBias, boolean qkNorm,
                           boolean explicitHeadDim, boolean postNorms, int slidingWindow, float linearRopeScaling, float[] llama3RopeScaling) {
    public DecoderShape {
        if (!explicitHeadDim && heads * headDim != embedding)
            throw new IllegalArgumentException(architecture + ": heads * headDim must equal the embedding unless the head size is explicit");
        if (layers < 1) throw new IllegalArgumentException("layers must be at least 1");
    }

    public DecoderShape withLayers(int n) {
        return new DecoderShape(architecture, embedding, feedForward, n, heads, kvHeads, headDim, context, ropeTheta, rmsEps, embeddingStd,
                tied, qkvBias, qkNorm, explicitHeadDim, postNorms, slidingWindow, linearRopeScaling, llama3RopeScaling);
    }

    int queryDim() { return heads * headDim; }

    int kvDim() { return kvHeads * headDim; }
}
