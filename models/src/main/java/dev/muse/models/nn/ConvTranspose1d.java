package dev.muse.models.nn;

import dev.muse.engine.ConvKernels;
import dev.muse.engine.Ops;
import dev.muse.engine.Tensor;

/**
 * A PyTorch ConvTranspose1d layer over channels-last steps (dilation 1), weight-normed or not
 * ({@link WeightShapes#transposedConvolution1d}): ISTFTNet's upsamplers, kernel 2 x rate with padding (k - rate) / 2.
 */
public record ConvTranspose1d(Tensor weight, Tensor bias, int in, int out, int kernel, int stride, int padding) {
    /** Loads prefix's kernel ([in, out, k], or its weight-norm pair) and prefix.bias when there is one. */
    public static ConvTranspose1d load(WeightShapes w, String prefix, int in, int out, int kernel, int stride, int padding) {
        return new ConvTranspose1d(w.transposedConvolution1d(prefix, in, out, kernel), w.optionalVector(prefix + ".bias", out), in, out, kernel,
                stride, padding);
    }

    public ConvKernels.Conv1Transposed shape(int steps) {
        return new ConvKernels.Conv1Transposed(steps, in, out, kernel, stride, padding, 0);
    }

    /** The upsampled steps, channels-last; there are {@link #shape}'s outSteps of them. */
    public float[] apply(Ops ops, float[] x, int steps) {
        return apply(ops, x, steps, new float[shape(steps).outSteps() * out]);
    }

    /** The upsampled steps written into {@code y} (at least outSteps x out long); y. */
    public float[] apply(Ops ops, float[] x, int steps, float[] y) {
        ops.convTranspose1d(shape(steps), weight, bias, x, y);
        return y;
    }
}
