package dev.muse.models.llama;

import dev.muse.engine.Tensor;
import dev.muse.models.nn.WeightShapes;

/**
 * The weights of a Llama-family model as views of the mapped file. Field names follow the GGUF tensor
 * names; shapes are written as [rows, cols] of the matrix the forward pass multiplies by.
 */
record LlamaWeights(
        Tensor tokenEmbd,      // [vocab, dim]
        Layer[] layers,
        Tensor outputNorm,     // [dim]
        Tensor output,         // [vocab, dim]; the embedding when tied
        float[] ropeFreqs) {   // [ropeDims/2] Llama 3.1 RoPE scaling divisors, or null

    record Layer(
            Tensor attnNorm,   // [dim]
            Tensor attnQ,      // [heads*keyLength, dim]
            Tensor attnK,      // [kvHeads*keyLength, dim]
            Tensor attnV,      // [kvHeads*valueLength, dim]
            Tensor attnQBias,  // [heads*keyLength] (Qwen2) or null
            Tensor attnKBias,  // [kvHeads*keyLength] or null
            Tensor attnVBias,  // [kvHeads*valueLength] or null
            Tensor attnQNorm,  // [keyLength] (Qwen3) or null
            Tensor attnKNorm,  // [keyLength] or null
            Tensor attnOutput, // [dim, heads*valueLength]
            Tensor ffnNorm,    // [dim]
            Tensor ffnGate,    // [ffn, dim]
            Tensor ffnUp,      // [ffn, dim]
            Tensor ffnDown) {} // [dim, ffn]

    static LlamaWeights load(WeightShapes s, LlamaConfig c) {
        int dim = c.embeddingLength(), ffn = c.feedForwardLength();
        Layer[] layers = s.layers(c.blockCount(), Layer[]::new, p -> new Layer(
                s.vector(p + "attn_norm.weight", dim),
                s.matrix(p + "attn_q.weight", c.queryDim(), dim),
                s.matrix(p + "attn_k.weight", c.kvDim(), dim),
                s.matrix(p + "attn_v.weight", c.headCountKv() * c.valueLength(), dim),
                s.optionalVector(p + "attn_q.bias", c.queryDim()),
                s.optionalVector(p + "attn_k.bias", c.kvDim()),
                s.optionalVector(p + "attn_v.bias", c.headCountKv() * c.valueLength()),
                s.optionalVector(p + "attn_q_norm.weight", c.keyLength()),
                s.optionalVector(p + "attn_k_norm.weight", c.keyLength()),
                s.matrix(p + "attn_output.weight", dim, c.valueDim()),
                s.vector(p + "ffn_norm.weight", dim),
                s.matrix(p + "ffn_gate.weight", ffn, dim),
                s.matrix(p + "ffn_up.weight", ffn, dim),
                s.matrix(p + "ffn_down.weight", dim, ffn)));
        Tensor embedding = s.matrix("token_embd.weight", c.vocabSize(), dim);
        Tensor output = s.has("output.weight") ? s.matrix("output.weight", c.vocabSize(), dim) : embedding;
        float[] ropeFreqs = null;
        if (s.has("rope_freqs.weight")) {
            Tensor f = s.vector("rope_freqs.weight", c.ropeDimensionCount() / 2);
            ropeFreqs = new float[c.ropeDimensionCount() / 2];
            f.dequantize(0, ropeFreqs, 0, ropeFreqs.length);
        }
        return new LlamaWeights(embedding, layers, s.vector("output_norm.weight", dim), output, ropeFreqs);
    }
}
