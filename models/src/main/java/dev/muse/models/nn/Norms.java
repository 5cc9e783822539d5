package dev.muse.models.nn;

import dev.muse.engine.Ops;
import dev.muse.engine.Tensor;

/** RMS norms over the rows of a batch, and over each head of each row (QK-norm). */
public final class Norms {
    private Norms() {}

    /** out[r] = rmsnorm(x[r]) * weight for each of {@code rows} rows of {@code n} floats. */
    public static void rows(Ops ops, float[] out, float[] x, int rows, int n, Tensor weight, float eps) {
        for (int r = 0; r < rows; r++) ops.rmsnorm(out, r * n, x, r * n, weight, n, eps);
    }

    /** In place, each head of each row: x[r, h] = rmsnorm(x[r, h]) * weight (one weight of headSize shared by all heads). */
    public static void heads(Ops ops, float[] x, int rows, int heads, int headSize, Tensor weight, float eps) {
        for (int r = 0; r < rows; r++)
            for (int h = 0; h < heads; h++) {
                int off = (r * heads + h) * headSize;
                ops.rmsnorm(x, off, x, off, weight, headSize, eps);
            }
    }
}
