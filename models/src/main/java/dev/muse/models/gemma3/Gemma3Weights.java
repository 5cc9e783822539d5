package dev.muse.models.gemma3;

import dev.muse.engine.Tensor;
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

    static Gemma3Weights load(WeightShapes s, Gemma3Config c) {
        int dim = c.embeddingLength(), ffn = c.feedForwardLength(), head = c.keyLength();
        Layer[] layers = s.layers(c.blockCount(), Layer[]::new, p -> new Layer(
                s.vector(p + "attn_norm.weight", dim),
                s.matrix(p + "attn_q.weight", c.queryDim(), dim),
                s.matrix(p + "attn_k.weight", c.kvDim(), dim),
                s.matrix(p + "attn_v.weight", c.kvDim(), dim),
                s.vector(p + "attn_q_norm.weight", head),
                s.vector(p + "attn_k_norm.weight", head),
                s.matrix(p + "attn_output.weight", dim, c.queryDim()),
                s.vector(p + "post_attention_norm.weight", dim),
                s.vector(p + "ffn_norm.weight", dim),
                s.matrix(p + "ffn_gate.weight", ffn, dim),
                s.matrix(p + "ffn_up.weight", ffn, dim),
                s.matrix(p + "ffn_down.weight", dim, ffn),
                s.vector(p + "post_ffw_norm.weight", dim)));
        Tensor embedding = s.matrix("token_embd.weight", c.vocabSize(), dim);
        Tensor output = s.has("output.weight") ? s.matrix("output.weight", c.vocabSize(), dim) : embedding;
        return new Gemma3Weights(embedding, layers, s.vector("output_norm.weight", dim), output);
    }
}
