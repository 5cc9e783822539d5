package dev.muse.models.nn;

import dev.muse.engine.Tensor;
import dev.muse.models.KvCache;
import java.util.Arrays;

/**
 * The rows of one batch through a decoder: row r is tokens[r] (or, where vectors[r] is set, the vector at
 * vectorOffsets[r] of it) at positions[r] of caches[r], attending to the first visible[r] positions of its
 * cache. A causal row sees up to itself (visible = position + 1); a row of a bidirectional step sees its
 * whole step. Rows may belong to different sequences, which is what continuous batching needs.
 */
public record Rows(KvCache[] caches, int[] positions, int[] visible, int[] tokens, float[][] vectors, int[] vectorOffsets) {
    public Rows(int n) {
        this(new KvCache[n], new int[n], new int[n], new int[n], new float[n][], new int[n]);
    }

    public int size() { return tokens.length; }

    /** Whether row r carries a vector (an encoded image's embedding) instead of a token id. */
    public boolean isVector(int r) { return vectors[r] != null; }

    public Rows slice(int from, int to) {
        return new Rows(Arrays.copyOfRange(caches, from, to), Arrays.copyOfRange(positions, from, to), Arrays.copyOfRange(visible, from, to),
                Arrays.copyOfRange(tokens, from, to), Arrays.copyOfRange(vectors, from, to), Arrays.copyOfRange(vectorOffsets, from, to));
    }

    /**
     * Writes into x (rows x dim) each row's input: a vector row's vector as it is, a token row's embedding
     * row times {@code tokenScale} (Gemma scales token embeddings by sqrt(dim) but never encoded images).
     */
    public void embed(Tensor tokenEmbd, float tokenScale, float[] x, int dim) {
        for (int r = 0; r < size(); r++) {
            if (isVector(r)) {
                System.arraycopy(vectors[r], vectorOffsets[r], x, r * dim, dim);
            } else {
                tokenEmbd.dequantize((long) tokens[r] * dim, x, r * dim, dim);
                if (tokenScale != 1f) for (int i = r * dim; i < (r + 1) * dim; i++) x[i] *= tokenScale;
            }
        }
    }
}
