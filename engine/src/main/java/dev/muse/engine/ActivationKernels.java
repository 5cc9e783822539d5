package dev.muse.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Element-wise activations and softmax, in place over a run of floats, each with its scalar reference. */
public final class ActivationKernels {
    private ActivationKernels() {}

    private static final VectorSpecies<Float> F = Simd.F;

    /** In place: x[off..off+n) = exp(x - max) / sum, subtracting the max so large logits cannot overflow. */
    public static void softmax(float[] x, int off, int n) {
        FloatVector maxes = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0, upper = F.loopBound(n);
        for (; i < upper; i += F.length()) maxes = maxes.max(FloatVector.fromArray(F, x, off + i));
        float max = maxes.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) max = Math.max(max, x[off + i]);
        FloatVector sums = FloatVector.zero(F);
        for (i = 0; i < upper; i += F.length()) {
            FloatVector e = Simd.exp(FloatVector.fromArray(F, x, off + i).sub(max));
            e.intoArray(x, off + i);
            sums = sums.add(e);
        }
        float sum = sums.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += x[off + i] = (float) Math.exp(x[off + i] - max);
        float inv = 1f / sum;
        for (i = 0; i < upper; i += F.length()) FloatVector.fromArray(F, x, off + i).mul(inv).intoArray(x, off + i);
        for (; i < n; i++) x[off + i] *= inv;
    }

    /** In place: x clamped to [lo, hi] (ReLU is [0, +inf), ReLU6 [0, 6]). */
    public static void clamp(float[] x, int off, int n, float lo, float hi) {
        int i = 0, upper = F.loopBound(n);
        for (; i < upper; i += F.length()) FloatVector.fromArray(F, x, off + i).max(lo).min(hi).intoArray(x, off + i);
        for (; i < n; i++) x[off + i] = Math.min(Math.max(x[off + i], lo), hi);
    }

    public static void clampReference(float[] x, int off, int n, float lo, float hi) {
        for (int i = 0; i < n; i++) x[off + i] = Math.min(Math.max(x[off + i], lo), hi);
    }

    /** out[i] = exp((x[i] - shift) * scale) for i in [0, n); returns their sum (sampling weights, unnormalised). */
    public static float expSum(float[] x, int n, float shift, float scale, float[] out) {
        FloatVector sums = FloatVector.zero(F);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector e = Simd.exp(FloatVector.fromArray(F, x, i).sub(shift).mul(scale));
            e.intoArray(out, i);
            sums = sums.add(e);
        }
        float sum = sums.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += out[i] = (float) Math.exp((x[i] - shift) * scale);
        return sum;
    }

    public static void softmaxReference(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        float sum = 0f;
        for (int i = 0; i < n; i++) sum += x[off + i] = (float) Math.exp(x[off + i] - max);
        for (int i = 0; i < n; i++) x[off + i] /= sum;
    }

    /** In place: x = x * sigmoid(x) (SiLU, a.k.a. swish). */
    public static void silu(float[] x, int off, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, off + i);
            v.div(Simd.exp(v.neg()).add(1f)).intoArray(x, off + i);
        }
        for (; i < n; i++) x[off + i] = silu(x[off + i]);
    }

    public static void siluReference(float[] x, int off, int n) {
        for (int i = 0; i < n; i++) x[off + i] = silu(x[off + i]);
    }

    private static float silu(float v) { return v / (1f + (float) Math.exp(-v)); }

    private static final float SQRT_2_OVER_PI = 0.7978845608028654f, GELU_COEF_A = 0.044715f;

    /** In place: GELU, tanh approximation as ggml: 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))). */
    public static void gelu(float[] x, int off, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, off + i);
            FloatVector inner = v.mul(v).mul(GELU_COEF_A).add(1f).mul(v).mul(SQRT_2_OVER_PI);
            v.mul(0.5f).mul(inner.lanewise(VectorOperators.TANH).add(1f)).intoArray(x, off + i);
        }
        for (; i < n; i++) x[off + i] = gelu(x[off + i]);
    }

    public static void geluReference(float[] x, int off, int n) {
        for (int i = 0; i < n; i++) x[off + i] = gelu(x[off + i]);
    }

    private static float gelu(float v) {
        return 0.5f * v * (1f + (float) Math.tanh(SQRT_2_OVER_PI * v * (1f + GELU_COEF_A * v * v)));
    }

    // Abramowitz & Stegun 7.1.26: erf(x) = 1 - t(a1 + t(a2 + t(a3 + t(a4 + t a5)))) e^(-x^2), t = 1 / (1 + p x), x >= 0,
    // within 1.5e-7 of erf everywhere, which is below float's resolution of GELU's values
    private static final float ERF_P = 0.3275911f, ERF_A1 = 0.254829592f, ERF_A2 = -0.284496736f, ERF_A3 = 1.421413741f,
            ERF_A4 = -1.453152027f, ERF_A5 = 1.061405429f, INV_SQRT_2 = 0.70710678118654752f;

    /**
     * In place: GELU as defined, 0.5x(1 + erf(x / sqrt 2)): PyTorch's default, which transformers calls "gelu" and
     * diffusers' blocks use (ggml's {@link #gelu} is the tanh approximation, within about 1e-3 of it).
     */
    public static void geluErf(float[] x, int off, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, off + i);
            FloatVector z = v.mul(INV_SQRT_2), a = z.abs();
            FloatVector t = a.mul(ERF_P).add(1f);
            t = F_ONE.div(t);
            FloatVector poly = t.mul(ERF_A5).add(ERF_A4).mul(t).add(ERF_A3).mul(t).add(ERF_A2).mul(t).add(ERF_A1).mul(t);
            // 1 + erf(z) from erfc(|z|) directly: 2 - erfc for z >= 0, erfc itself for z < 0 (no cancellation there)
            FloatVector erfc = poly.mul(Simd.exp(a.mul(a).neg()));
            FloatVector onePlusErf = F_ONE.add(1f).sub(erfc).blend(erfc, z.compare(VectorOperators.LT, 0f));
            v.mul(0.5f).mul(onePlusErf).intoArray(x, off + i);
        }
        for (; i < n; i++) x[off + i] = geluErf(x[off + i]);
    }

    public static void geluErfReference(float[] x, int off, int n) {
        for (int i = 0; i < n; i++) x[off + i] = geluErf(x[off + i]);
    }

    private static float geluErf(float v) {
        double z = v * INV_SQRT_2, a = Math.abs(z), t = 1 / (1 + ERF_P * a);
        double erfc = t * (ERF_A1 + t * (ERF_A2 + t * (ERF_A3 + t * (ERF_A4 + t * ERF_A5)))) * Math.exp(-a * a);
        return (float) (0.5 * v * (z < 0 ? erfc : 2 - erfc));
    }

    private static final FloatVector F_ONE = FloatVector.broadcast(F, 1f);

    private static final float GELU_QUICK_COEF = -1.702f;

    /** In place: quick GELU as ggml: x * sigmoid(1.702x) (CLIP towers that do not set use_gelu). */
    public static void geluQuick(float[] x, int off, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, off + i);
            v.div(Simd.exp(v.mul(GELU_QUICK_COEF)).add(1f)).intoArray(x, off + i);
        }
        for (; i < n; i++) x[off + i] = geluQuick(x[off + i]);
    }

    public static void geluQuickReference(float[] x, int off, int n) {
        for (int i = 0; i < n; i++) x[off + i] = geluQuick(x[off + i]);
    }

    private static float geluQuick(float v) { return v * (1f / (1f + (float) Math.exp(GELU_QUICK_COEF * v))); }

    /**
     * In place over channels-last rows: Snake, x + sin^2(alpha x) / alpha with alpha per channel (ISTFTNet's residual
     * blocks), a vector of channels at a time.
     */
    public static void snake(float[] x, int rows, int channels, float[] alpha) {
        float[] inverse = new float[channels];
        for (int c = 0; c < channels; c++) inverse[c] = 1f / alpha[c];
        int upper = F.loopBound(channels);
        Parallel.forChunks(rows, (from, to) -> {
            for (int r = from; r < to; r++) {
                int row = r * channels, c = 0;
                for (; c < upper; c += F.length()) {
                    FloatVector v = FloatVector.fromArray(F, x, row + c);
                    FloatVector sin = v.mul(FloatVector.fromArray(F, alpha, c)).lanewise(VectorOperators.SIN);
                    sin.mul(sin).fma(FloatVector.fromArray(F, inverse, c), v).intoArray(x, row + c);
                }
                for (; c < channels; c++) x[row + c] = snake(x[row + c], alpha[c]);
            }
        });
    }

    public static void snakeReference(float[] x, int rows, int channels, float[] alpha) {
        for (int r = 0; r < rows; r++) for (int c = 0; c < channels; c++) x[r * channels + c] = snake(x[r * channels + c], alpha[c]);
    }

    private static float snake(float v, float alpha) {
        double sin = Math.sin(alpha * v);
        return (float) (v + sin * sin / alpha);
    }
}
