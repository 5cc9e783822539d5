package dev.muse.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Window operations that keep each channel to itself, over channels-last images (float[(y * width + x) * c + channel],
 * as in {@link ConvKernels}): the depthwise convolution of MobileNet-style networks and average and max pooling. Their
 * shape is a {@link ConvKernels.Conv} whose input and output channels are equal. Each has its scalar reference; the
 * fast paths run along the channels, which are contiguous, one output row per task.
 */
public final class DepthwiseKernels {
    private DepthwiseKernels() {}

    private static final VectorSpecies<Float> F = Simd.F;

    private static void requireDepthwise(ConvKernels.Conv c) {
        if (c.inChannels() != c.outChannels()) throw new IllegalArgumentException("a depthwise window keeps its channels: " + c);
    }

    /**
     * out = depthwise conv(in) + bias: every channel convolved with its own kernel. {@code weight} holds kernel*kernel
     * rows of channels floats, tap (ky, kx) at row ky * kernel + kx (TensorFlow's [kh, kw, channels, 1] as it is
     * stored); {@code bias} may be null.
     */
    public static void depthwiseConv2d(ConvKernels.Conv c, float[] weight, float[] bias, float[] in, float[] out) {
        requireDepthwise(c);
        int channels = c.inChannels(), upper = F.loopBound(channels), k = c.kernel(), ow = c.outWidth();
        Parallel.forRange(c.outHeight(), oy -> {
            for (int ox = 0; ox < ow; ox++) {
                int to = (oy * ow + ox) * channels, ch = 0;
                for (; ch < upper; ch += F.length()) {
                    FloatVector acc = bias == null ? FloatVector.zero(F) : FloatVector.fromArray(F, bias, ch);
                    for (int ky = 0; ky < k; ky++) {
                        int y = oy * c.stride() + ky - c.padTop();
                        if (y < 0 || y >= c.height()) continue;
                        for (int kx = 0; kx < k; kx++) {
                            int x = ox * c.stride() + kx - c.padLeft();
                            if (x < 0 || x >= c.width()) continue;
                            FloatVector v = FloatVector.fromArray(F, in, (y * c.width() + x) * channels + ch);
                            acc = v.fma(FloatVector.fromArray(F, weight, (ky * k + kx) * channels + ch), acc);
                        }
                    }
                    acc.intoArray(out, to + ch);
                }
                for (; ch < channels; ch++) out[to + ch] = depthwise(c, weight, bias, in, oy, ox, ch);
            }
        });
    }

    public static void depthwiseConv2dReference(ConvKernels.Conv c, float[] weight, float[] bias, float[] in, float[] out) {
        requireDepthwise(c);
        for (int oy = 0; oy < c.outHeight(); oy++)
            for (int ox = 0; ox < c.outWidth(); ox++)
                for (int ch = 0; ch < c.inChannels(); ch++) out[(oy * c.outWidth() + ox) * c.inChannels() + ch] = depthwise(c, weight, bias, in, oy, ox, ch);
    }

    private static float depthwise(ConvKernels.Conv c, float[] weight, float[] bias, float[] in, int oy, int ox, int ch) {
        int channels = c.inChannels(), k = c.kernel();
        float sum = bias == null ? 0f : bias[ch];
        for (int ky = 0; ky < k; ky++) {
            int y = oy * c.stride() + ky - c.padTop();
            if (y < 0 || y >= c.height()) continue;
            for (int kx = 0; kx < k; kx++) {
                int x = ox * c.stride() + kx - c.padLeft();
                if (x >= 0 && x < c.width()) sum = Math.fma(in[(y * c.width() + x) * channels + ch], weight[(ky * k + kx) * channels + ch], sum);
            }
        }
        return sum;
    }

    /**
     * Pooling over kernel x kernel windows: their maximum, or their mean over the pixels inside the image (padding is
     * not counted, as TensorFlow's avg_pool does).
     */
    public static void pool2d(ConvKernels.Conv c, boolean max, float[] in, float[] out) {
        requireDepthwise(c);
        int channels = c.inChannels(), upper = F.loopBound(channels), ow = c.outWidth();
        Parallel.forRange(c.outHeight(), oy -> {
            for (int ox = 0; ox < ow; ox++) {
                int to = (oy * ow + ox) * channels, ch = 0;
                int y0 = Math.max(0, oy * c.stride() - c.padTop()), y1 = Math.min(c.height(), oy * c.stride() - c.padTop() + c.kernel());
                int x0 = Math.max(0, ox * c.stride() - c.padLeft()), x1 = Math.min(c.width(), ox * c.stride() - c.padLeft() + c.kernel());
                float count = (y1 - y0) * (x1 - x0);
                for (; ch < upper; ch += F.length()) {
                    FloatVector acc = max ? FloatVector.broadcast(F, Float.NEGATIVE_INFINITY) : FloatVector.zero(F);
                    for (int y = y0; y < y1; y++)
                        for (int x = x0; x < x1; x++) {
                            FloatVector v = FloatVector.fromArray(F, in, (y * c.width() + x) * channels + ch);
                            acc = max ? acc.lanewise(VectorOperators.MAX, v) : acc.add(v);
                        }
                    (max ? acc : acc.div(count)).intoArray(out, to + ch);
                }
                for (; ch < channels; ch++) out[to + ch] = pool(c, max, in, oy, ox, ch);
            }
        });
    }

    public static void pool2dReference(ConvKernels.Conv c, boolean max, float[] in, float[] out) {
        requireDepthwise(c);
        for (int oy = 0; oy < c.outHeight(); oy++)
            for (int ox = 0; ox < c.outWidth(); ox++)
                for (int ch = 0; ch < c.inChannels(); ch++) out[(oy * c.outWidth() + ox) * c.inChannels() + ch] = pool(c, max, in, oy, ox, ch);
    }

    private static float pool(ConvKernels.Conv c, boolean max, float[] in, int oy, int ox, int ch) {
        float acc = max ? Float.NEGATIVE_INFINITY : 0f;
        int count = 0;
        for (int ky = 0; ky < c.kernel(); ky++) {
            int y = oy * c.stride() + ky - c.padTop();
            if (y < 0 || y >= c.height()) continue;
            for (int kx = 0; kx < c.kernel(); kx++) {
                int x = ox * c.stride() + kx - c.padLeft();
                if (x < 0 || x >= c.width()) continue;
                float v = in[(y * c.width() + x) * c.inChannels() + ch];
                acc = max ? Math.max(acc, v) : acc + v;
                count++;
            }
        }
        return max ? acc : acc / count;
    }
}
