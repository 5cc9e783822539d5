package dev.muse.models.gemma3;

import static dev.muse.models.nn.WeightShapes.matrix;
import static dev.muse.models.nn.WeightShapes.vector;

import dev.muse.engine.Tensor;
import dev.muse.formats.TensorSource;
import dev.muse.models.nn.WeightShapes;

/**
 * The weights of a Gemma 3 text decoder as views of the mapped file, named after the GGUF tensors; shapes
 * are [rows, cols] of the matrix the forward pass multiplies by. Every norm weight is used as stored:
 * Gemma3RMSNorm multiplies by (1 + weight), and convert_hf_to_gguf.py has already added the 1 to every
 * tensor whose name ends in "norm.weight".
 */
record Gemma3Weights(
        Tensor tokenEmbd,      // [vocab, dim]
        Layer[] layers,
        Tensor outputNorm,     // [dim]
        Tensor output) {       // [vocab, dim]; the embedding when tied (Gemma 3 always ties)

    record Layer(
            Tensor attnNorm,          // [dim]
            Tensor attnQ,             // [heads*keyLength, dim]
            Tensor attnK,             // [kvHeads*keyLength, dim]
            Tensor attnV,             // [kvHeads*keyLength, dim]
            Tensor attnQNorm,         // [keyLength]
            Tensor attnKNorm,         // [keyLength]
            Tensor attnOutput,        // [dim, heads*keyLength]
            Tensor postAttentionNorm, // [dim]
            Tensor ffnNorm,           // [dim]
            Tensor ffnGate,           // [ffn, dim]
            Tensor ffnUp,             // [ffn, dim]
            Tensor ffnDown,           // [dim, ffn]
            Tensor postFfwNorm) {}    // [dim]

    static Gemma3Weights load(TensorSource source, Gemma3Config c) {
        int dim = c.embeddingLength(), ffn = c.feedForwardLength(), head = c.keyLength();
        Layer[] layers = WeightShapes.layers(c.blockCount(), Layer[]::new, p -> new Layer(
                vector(source, p + "attn_norm.weight", dim),
                matrix(source, p + "attn_q.weight", c.queryDim(), dim),
                matrix(source, p + "attn_k.weight", c.kvDim(), dim),
                matrix(source, p + "attn_v.weight", c.kvDim(), dim),
                vector(source, p + "attn_q_norm.weight", head),
                vector(source, p + "attn_k_norm.weight", head),
                matrix(source, p + "attn_output.weight", dim, c.queryDim()),
                vector(source, p + "post_attention_norm.weight", dim),
                vector(source, p + "ffn_norm.weight", dim),
                matrix(source, p + "ffn_gate.weight", ffn, dim),
                matrix(source, p + "ffn_up.weight", ffn, dim),
                matrix(source, p + "ffn_down.weight", dim, ffn),
                vector(source, p + "post_ffw_norm.weight", dim)));
        Tensor embedding = matrix(source, "token_embd.weight", c.vocabSize(), dim);
        Tensor output = source.has("output.weight") ? matrix(source, "output.weight", c.vocabSize(), dim) : embedding;
        return new Gemma3Weights(embedding, layers, vector(source, "output_norm.weight", dim), output);
    }
}
