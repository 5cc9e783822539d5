package dev.muse.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Normalisations over one row of activations, named after ggml's ops, each with its scalar reference. */
public final class NormKernels {
    private NormKernels() {}

    private static final VectorSpecies<Float> F = Simd.F;

    /**
     * ggml rms_norm followed by mul with the weight: out[i] = weight[i] * x[i] / sqrt(mean(x^2) + eps). out may be x
     * itself at the same offset.
     */
    public static void rmsnorm(float[] out, int outOff, float[] x, int xOff, Tensor weight, int n, float eps) {
        FloatVector squares = FloatVector.zero(F);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            squares = v.fma(v, squares);
        }
        float sum = squares.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += x[xOff + i] * x[xOff + i];
        float scale = (float) (1.0 / Math.sqrt(sum / n + eps));
        if (!(weight instanceof F32Tensor)) {
            for (i = 0; i < n; i++) out[outOff + i] = weight.get(i) * (scale * x[xOff + i]);
            return;
        }
        i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector wv = Simd.loadFloats(weight.data(), i * 4L);
            wv.mul(FloatVector.fromArray(F, x, xOff + i).mul(scale)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = weight.get(i) * (scale * x[xOff + i]);
    }

    /** As ggml: the sum of squares in double, then scale = 1/sqrt(mean + eps). */
    public static void rmsnormReference(float[] out, int outOff, float[] x, int xOff, Tensor weight, int n, float eps) {
        double sum = 0;
        for (int i = 0; i < n; i++) sum += x[xOff + i] * x[xOff + i];
        float scale = (float) (1.0 / Math.sqrt(sum / n + eps));
        for (int i = 0; i < n; i++) out[outOff + i] = weight.get(i) * (scale * x[xOff + i]);
    }

    /**
     * ggml norm followed by mul and add (LayerNorm): out = (x - mean) / sqrt(var + eps) * weight + bias, the
     * variance taken around the mean in a second pass as ggml does (no E[x^2] - mean^2 cancellation). bias may
     * be null; out may be x itself at the same offset.
     */
    public static void layernorm(float[] out, int outOff, float[] x, int xOff, Tensor weight, Tensor bias, int n, float eps) {
        FloatVector sums = FloatVector.zero(F);
        int i = 0, upper = F.loopBound(n);
        for (; i < upper; i += F.length()) sums = sums.add(FloatVector.fromArray(F, x, xOff + i));
        float sum = sums.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += x[xOff + i];
        float mean = sum / n;
        FloatVector squares = FloatVector.zero(F);
        for (i = 0; i < upper; i += F.length()) {
            FloatVector d = FloatVector.fromArray(F, x, xOff + i).sub(mean);
            squares = d.fma(d, squares);
        }
        float variance = squares.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) variance += (x[xOff + i] - mean) * (x[xOff + i] - mean);
        float scale = (float) (1.0 / Math.sqrt(variance / n + eps));
        if (!(weight instanceof F32Tensor) || (bias != null && !(bias instanceof F32Tensor))) {
            for (i = 0; i < n; i++) out[outOff + i] = (x[xOff + i] - mean) * scale * weight.get(i) + (bias == null ? 0f : bias.get(i));
            return;
        }
        for (i = 0; i < upper; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i).sub(mean).mul(scale).mul(Simd.loadFloats(weight.data(), i * 4L));
            if (bias != null) v = v.add(Simd.loadFloats(bias.data(), i * 4L));
            v.intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = (x[xOff + i] - mean) * scale * weight.get(i) + (bias == null ? 0f : bias.get(i));
    }

    /** As ggml_compute_forward_norm_f32: the mean, then the variance around it, in double here. */
    public static void layernormReference(float[] out, int outOff, float[] x, int xOff, Tensor weight, Tensor bias, int n, float eps) {
        double sum = 0;
        for (int i = 0; i < n; i++) sum += x[xOff + i];
        float mean = (float) (sum / n);
        double variance = 0;
        for (int i = 0; i < n; i++) variance += (double) (x[xOff + i] - mean) * (x[xOff + i] - mean);
        float scale = (float) (1.0 / Math.sqrt(variance / n + eps));
        for (int i = 0; i < n; i++) out[outOff + i] = (x[xOff + i] - mean) * scale * weight.get(i) + (bias == null ? 0f : bias.get(i));
    }

    /**
     * Each channel's mean and biased variance over the rows of channels-last x ([rows][channels]): what an instance norm
     * over time needs. Sums run a vector of channels at a time down the rows, the variance about the mean (two passes).
     */
    public static void channelMoments(float[] x, int rows, int channels, float[] mean, float[] variance) {
        int upper = F.loopBound(channels);
        java.util.Arrays.fill(mean, 0, channels, 0f);
        java.util.Arrays.fill(variance, 0, channels, 0f);
        for (int r = 0; r < rows; r++) {
            int row = r * channels, c = 0;
            for (; c < upper; c += F.length()) FloatVector.fromArray(F, x, row + c).add(FloatVector.fromArray(F, mean, c)).intoArray(mean, c);
            for (; c < channels; c++) mean[c] += x[row + c];
        }
        for (int c = 0; c < channels; c++) mean[c] /= rows;
        for (int r = 0; r < rows; r++) {
            int row = r * channels, c = 0;
            for (; c < upper; c += F.length()) {
                FloatVector d = FloatVector.fromArray(F, x, row + c).sub(FloatVector.fromArray(F, mean, c));
                d.fma(d, FloatVector.fromArray(F, variance, c)).intoArray(variance, c);
            }
            for (; c < channels; c++) variance[c] += (x[row + c] - mean[c]) * (x[row + c] - mean[c]);
        }
        for (int c = 0; c < channels; c++) variance[c] /= rows;
    }

    public static void channelMomentsReference(float[] x, int rows, int channels, float[] mean, float[] variance) {
        for (int c = 0; c < channels; c++) {
            double sum = 0, squares = 0;
            for (int r = 0; r < rows; r++) sum += x[r * channels + c];
            double m = sum / rows;
            for (int r = 0; r < rows; r++) squares += (x[r * channels + c] - m) * (x[r * channels + c] - m);
            mean[c] = (float) m;
            variance[c] = (float) (squares / rows);
        }
    }

    /** out[r][c] = x[r][c] * scale[c] + shift[c] over channels-last rows; out may be x. */
    public static void scaleShift(float[] x, int rows, int channels, float[] scale, float[] shift, float[] out) {
        int upper = F.loopBound(channels);
        Parallel.forChunks(rows, (from, to) -> {
            for (int r = from; r < to; r++) {
                int row = r * channels, c = 0;
                for (; c < upper; c += F.length())
                    FloatVector.fromArray(F, x, row + c).fma(FloatVector.fromArray(F, scale, c), FloatVector.fromArray(F, shift, c)).intoArray(out, row + c);
                for (; c < channels; c++) out[row + c] = Math.fma(x[row + c], scale[c], shift[c]);
            }
        });
    }

    public static void scaleShiftReference(float[] x, int rows, int channels, float[] scale, float[] shift, float[] out) {
        for (int r = 0; r < rows; r++) for (int c = 0; c < channels; c++) out[r * channels + c] = (float) ((double) x[r * channels + c] * scale[c] + shift[c]);
    }
}
