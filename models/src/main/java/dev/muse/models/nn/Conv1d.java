package dev.muse.models.nn;

import dev.muse.engine.ConvKernels;
import dev.muse.engine.Ops;
import dev.muse.engine.Tensor;

/**
 * A PyTorch Conv1d layer over channels-last steps ([steps, channels]): stride, dilation and padding as PyTorch gives
 * them, weight-normed or not ({@link WeightShapes#convolution1d}), with or without a bias.
 */
public record Conv1d(Tensor weight, Tensor bias, int in, int out, int kernel, int stride, int dilation, int padLeft, int padRight) {
    /** Loads prefix's kernel ([out, in, k], or its weight-norm pair) and prefix.bias when there is one; symmetric padding. */
    public static Conv1d load(WeightShapes w, String prefix, int in, int out, int kernel, int stride, int dilation, int padding) {
        return new Conv1d(w.convolution1d(prefix, out, in, kernel), w.optionalVector(prefix + ".bias", out), in, out, kernel, stride, dilation,
                padding, padding);
    }

    public ConvKernels.Conv1 shape(int steps) {
        return new ConvKernels.Conv1(steps, in, out, kernel, stride, dilation, padLeft, padRight);
    }

    /** The convolved steps, channels-last; there are {@link #shape}'s outSteps of them. */
    public float[] apply(Ops ops, float[] x, int steps) {
        return apply(ops, x, steps, new float[shape(steps).outSteps() * out]);
    }

    /** The convolved steps written into {@code y} (at least outSteps x out long, reused by a caller that convolves often); y. */
    public float[] apply(Ops ops, float[] x, int steps, float[] y) {
        ops.conv1d(shape(steps), weight, bias, x, y);
        return y;
    }
}
