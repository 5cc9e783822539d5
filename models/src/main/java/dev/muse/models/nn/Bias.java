package dev.muse.models.nn;

import dev.muse.engine.Ops;
import dev.muse.engine.Tensor;

/** A bias weight added to every row of a batch; models whose layers have none pass null. */
public final class Bias {
    private Bias() {}

    /** out[r, :] += bias for each of {@code rows} rows of {@code n} floats; nothing when bias is null. */
    public static void add(Ops ops, float[] out, Tensor bias, int rows, int n) {
        if (bias == null) return;
        float[] b = new float[n];
        bias.dequantize(0, b, 0, n);
        for (int r = 0; r < rows; r++) ops.add(out, r * n, out, r * n, b, 0, n);
    }
}
