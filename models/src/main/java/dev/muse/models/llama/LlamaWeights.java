package dev.muse.models.llama;

import static dev.muse.models.nn.WeightShapes.matrix;
import static dev.muse.models.nn.WeightShapes.optionalVector;
import static dev.muse.models.nn.WeightShapes.vector;

import dev.muse.engine.Tensor;
import dev.muse.formats.TensorSource;
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

    static LlamaWeights load(TensorSource source, LlamaConfig c) {
        int dim = c.embeddingLength(), ffn = c.feedForwardLength();
        Layer[] layers = WeightShapes.layers(c.blockCount(), Layer[]::new, p -> new Layer(
                vector(source, p + "attn_norm.weight", dim),
                matrix(source, p + "attn_q.weight", c.queryDim(), dim),
                matrix(source, p + "attn_k.weight", c.kvDim(), dim),
                matrix(source, p + "attn_v.weight", c.headCountKv() * c.valueLength(), dim),
                optionalVector(source, p + "attn_q.bias", c.queryDim()),
                optionalVector(source, p + "attn_k.bias", c.kvDim()),
                optionalVector(source, p + "attn_v.bias", c.headCountKv() * c.valueLength()),
                optionalVector(source, p + "attn_q_norm.weight", c.keyLength()),
                optionalVector(source, p + "attn_k_norm.weight", c.keyLength()),
                matrix(source, p + "attn_output.weight", dim, c.valueDim()),
                vector(source, p + "ffn_norm.weight", dim),
                matrix(source, p + "ffn_gate.weight", ffn, dim),
                matrix(source, p + "ffn_up.weight", ffn, dim),
                matrix(source, p + "ffn_down.weight", dim, ffn)));
        Tensor embedding = matrix(source, "token_embd.weight", c.vocabSize(), dim);
        Tensor output = source.has("output.weight") ? matrix(source, "output.weight", c.vocabSize(), dim) : embedding;
        float[] ropeFreqs = null;
        if (source.has("rope_freqs.weight")) {
            Tensor f = vector(source, "rope_freqs.weight", c.ropeDimensionCount() / 2);
            ropeFreqs = new float[c.ropeDimensionCount() / 2];
            f.dequantize(0, ropeFreqs, 0, ropeFreqs.length);
        }
        return new LlamaWeights(embedding, layers, vector(source, "output_norm.weight", dim), output, ropeFreqs);
    }
}
