package dev.muse.models.nn;

import dev.muse.engine.Ops;
import dev.muse.engine.Parallel;

/**
 * Unmasked multi-head attention between n query rows and m key/value rows (pixels attending to pixels, or to a prompt's
 * states): out[i, head] = softmax(scale * q[i, head] . K[head]^T) V[head]. Rows are [rows, heads * headDim]. Work goes
 * in blocks of query rows per head, so the scores of a block (rows x m) stay small whatever the image size.
 */
public final class DenseAttention {
    private DenseAttention() {}

    private static final int QUERY_BLOCK = 32;

    public static void attend(Ops ops, float[] q, float[] k, float[] v, float[] out, int n, int m, int heads, int headDim, float scale) {
        int dim = heads * headDim, blocks = (n + QUERY_BLOCK - 1) / QUERY_BLOCK;
        Parallel.forRange(blocks * heads, task -> {
            int h = task % heads, i0 = (task / heads) * QUERY_BLOCK, rows = Math.min(QUERY_BLOCK, n - i0);
            float[] scores = new float[rows * m];
            ops.matmulNT(q, i0 * dim + h * headDim, dim, k, h * headDim, dim, scores, 0, m, rows, m, headDim);
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < m; j++) scores[r * m + j] *= scale;
                ops.softmax(scores, r * m, m);
            }
            ops.matmulNN(scores, 0, m, v, h * headDim, dim, out, i0 * dim + h * headDim, dim, rows, headDim, m);
        });
    }
}
