package dev.muse.models.nn;

import dev.muse.engine.Ops;
import dev.muse.engine.Parallel;

/**
 * Multi-head attention between n query rows and m key/value rows (pixels attending to pixels, or to a prompt's
 * states): out[i, head] = softmax(scale * q[i, head] . K[head]^T) V[head]. Rows are [rows, heads * headDim]. Work goes
 * in blocks of query rows per head, so the scores of a block (rows x m) stay small whatever the image size.
 */
public final class DenseAttention {
    private DenseAttention() {}

    private static final int QUERY_BLOCK = 32;

    public static void attend(Ops ops, float[] q, float[] k, float[] v, float[] out, int n, int m, int heads, int headDim, float scale) {
        attend(ops, q, k, v, out, n, m, heads, headDim, scale, false);
    }

    /** As {@link #attend}; with {@code causal}, query row i sees key rows 0..i only (a text encoder's mask; n == m). */
    public static void attend(Ops ops, float[] q, float[] k, float[] v, float[] out, int n, int m, int heads, int headDim, float scale, boolean causal) {
        int dim = heads * headDim, blocks = (n + QUERY_BLOCK - 1) / QUERY_BLOCK;
        // keys transposed per head ([headDim, m]): the scores are then a product that adds along the keys, with no
        // sum across vector lanes, so they come out the same whether or not the kernel has been compiled yet
        float[] kt = new float[heads * headDim * m];
        Parallel.forRange(heads, h -> {
            for (int j = 0; j < m; j++)
                for (int d = 0; d < headDim; d++) kt[(h * headDim + d) * m + j] = k[j * dim + h * headDim + d];
        });
        Parallel.forRange(blocks * heads, task -> {
            int h = task % heads, i0 = (task / heads) * QUERY_BLOCK, rows = Math.min(QUERY_BLOCK, n - i0);
            float[] scores = new float[rows * m];
            ops.matmulNN(q, i0 * dim + h * headDim, dim, kt, h * headDim * m, m, scores, 0, m, rows, m, headDim);
            for (int r = 0; r < rows; r++) {
                int seen = causal ? i0 + r + 1 : m;
                for (int j = 0; j < seen; j++) scores[r * m + j] *= scale;
                ops.softmax(scores, r * m, seen);
                java.util.Arrays.fill(scores, r * m + seen, (r + 1) * m, 0f);
            }
            ops.matmulNN(scores, 0, m, v, h * headDim, dim, out, i0 * dim + h * headDim, dim, rows, headDim, m);
        });
    }
}
