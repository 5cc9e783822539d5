package dev.muse.models.nn;

import dev.muse.engine.ConvKernels;
import dev.muse.engine.Ops;
import dev.muse.engine.Tensor;

/** A Conv2d layer over channels-last images: square kernel, stride, padding (symmetric, or diffusers' right/bottom only). */
public record Conv2d(Tensor weight, Tensor bias, int in, int out, int kernel, int stride, int padTop, int padLeft, int padBottom, int padRight) {
    /** Loads prefix.weight ([out, in, k, k]) and prefix.bias, padding k/2 on every side. */
    public static Conv2d load(WeightShapes w, String prefix, int in, int out, int kernel, int stride) {
        int pad = kernel / 2;
        return new Conv2d(w.convolution(prefix + ".weight", out, in, kernel), w.vector(prefix + ".bias", out), in, out, kernel, stride, pad, pad, pad, pad);
    }

    /** Loads prefix.weight ([out, in, k, k]) of a layer made with bias=False, padding k/2 on every side. */
    public static Conv2d loadWithoutBias(WeightShapes w, String prefix, int in, int out, int kernel, int stride) {
        int pad = kernel / 2;
        return new Conv2d(w.convolution(prefix + ".weight", out, in, kernel), null, in, out, kernel, stride, pad, pad, pad, pad);
    }

    /** As diffusers' Downsample2D with padding 0: stride 2 after padding one row and column at the bottom and right. */
    public static Conv2d downsampler(WeightShapes w, String prefix, int channels) {
        return new Conv2d(w.convolution(prefix + ".weight", channels, channels, 3), w.vector(prefix + ".bias", channels), channels, channels, 3, 2, 0, 0, 1, 1);
    }

    public ConvKernels.Conv shape(int height, int width) {
        return new ConvKernels.Conv(height, width, in, out, kernel, stride, padTop, padLeft, padBottom, padRight);
    }

    /** The convolved image, channels-last; its size is {@link #shape}'s outHeight x outWidth. */
    public float[] apply(Ops ops, float[] x, int height, int width) {
        ConvKernels.Conv shape = shape(height, width);
        float[] y = new float[shape.outHeight() * shape.outWidth() * out];
        ops.conv2d(shape, weight, bias, x, y);
        return y;
    }
}
