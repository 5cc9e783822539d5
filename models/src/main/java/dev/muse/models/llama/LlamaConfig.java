package dev.muse.models.llama;

import dev.muse.formats.Metadata;
import dev.muse.models.Pooling;
import dev.muse.models.nn.AttentionShape;

/**
 * Hyper-parameters of a Llama-family model, named after their GGUF keys ({arch}.embedding_length ->
 * embeddingLength). Qwen2 adds QKV biases and Qwen3 QK-norm, which show up as optional weights; the
 * config carries what differs in arithmetic: RoPE pairing, head size and RoPE scaling.
 */
public record LlamaConfig(
        String architecture,
        int contextLength,
        int embeddingLength,
        int blockCount,
        int feedForwardLength,
        int headCount,
        int headCountKv,
        int keyLength,
        int valueLength,
        float layerNormRmsEpsilon,
        float ropeFreqBase,
        int ropeDimensionCount,
        /** Positions are multiplied by this (linear RoPE scaling: 1 / factor). */
        float ropeFreqScale,
        /** NEOX pairs element i with i + d/2 (Qwen); NORM pairs adjacent elements (Llama, llama2.c). */
        boolean ropeNeox,
        int vocabSize,
        /** How an embedding model pools hidden states ({arch}.pooling_type); NONE for a generative model. */
        Pooling poolingType) {

    static LlamaConfig from(Metadata m, int vocabSize) {
        String a = m.requireString("general.architecture");
        int dim = m.requireInt(a + ".embedding_length");
        AttentionShape shape = AttentionShape.read(m, a, dim);
        float scale = 1f;
        if ("linear".equals(m.getString(a + ".rope.scaling.type", "none"))) scale = 1f / m.getFloat(a + ".rope.scaling.factor", 1f);
        return new LlamaConfig(a,
                m.requireInt(a + ".context_length"),
                dim,
                m.requireInt(a + ".block_count"),
                m.requireInt(a + ".feed_forward_length"),
                shape.headCount(), shape.headCountKv(), shape.keyLength(), shape.valueLength(),
                m.getFloat(a + ".attention.layer_norm_rms_epsilon", 1e-5f),
                m.getFloat(a + ".rope.freq_base", 10000f),
                shape.ropeDimensionCount(),
                scale,
                a.startsWith("qwen"),
                vocabSize,
                Pooling.ofGguf(m.getInt(a + ".pooling_type", 0)));
    }

    int queryDim() { return headCount * keyLength; }

    int kvDim() { return headCountKv * keyLength; }

    int valueDim() { return headCount * valueLength; }
}
