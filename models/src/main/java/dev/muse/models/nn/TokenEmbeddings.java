package dev.muse.models.nn;

import dev.muse.engine.Ops;
import dev.muse.engine.Tensor;

/**
 * BERT-style input embeddings (BERT's and ALBERT's {@code embeddings.}): a token's word, position and token-type (type 0)
 * vectors summed, then LayerNormed.
 */
public record TokenEmbeddings(Tensor words, Tensor positions, Tensor types, Tensor norm, Tensor normBias, int vocab, int maxPositions, int width,
                              float eps) {
    /** Loads {@code prefix}word_embeddings, position_embeddings, token_type_embeddings and LayerNorm, {@code width} wide. */
    public static TokenEmbeddings load(WeightShapes w, String prefix, int vocab, int maxPositions, int width, float eps) {
        String typeTable = prefix + "token_type_embeddings.weight"; // every token is of type 0: only the first row is read
        return new TokenEmbeddings(w.table(prefix + "word_embeddings.weight", vocab, width), w.table(prefix + "position_embeddings.weight", maxPositions, width),
                w.table(typeTable, (int) Math.min(Integer.MAX_VALUE, w.source().info(typeTable).dim(1)), width),
                w.vector(prefix + "LayerNorm.weight", width), w.vector(prefix + "LayerNorm.bias", width), vocab, maxPositions, width, eps);
    }

    /** The embedded tokens, [ids.length, width]; ids outside the vocabulary and inputs longer than the positions are refused. */
    public float[] embed(Ops ops, int[] ids) {
        int n = ids.length, e = width;
        if (n < 1 || n > maxPositions) throw new IllegalArgumentException("the encoder takes 1 to " + maxPositions + " tokens, got " + n);
        float[] embedded = new float[n * e], row = new float[e];
        for (int t = 0; t < n; t++) {
            if (ids[t] < 0 || ids[t] >= vocab) throw new IllegalArgumentException("token id " + ids[t] + " is outside the vocabulary of " + vocab);
            words.dequantize((long) ids[t] * e, embedded, t * e, e);
            positions.dequantize((long) t * e, row, 0, e);
            ops.add(embedded, t * e, embedded, t * e, row, 0, e);
            types.dequantize(0, row, 0, e);
            ops.add(embedded, t * e, embedded, t * e, row, 0, e);
            ops.layernorm(embedded, t * e, embedded, t * e, norm, normBias, e, eps);
        }
        return embedded;
    }
}
