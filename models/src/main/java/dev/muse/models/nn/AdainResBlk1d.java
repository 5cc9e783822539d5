package dev.muse.models.nn;

import dev.muse.engine.Ops;

/**
 * StyleTTS 2's AdainResBlk1d over channels-last steps: a residual path conv2(act(norm2(conv1(pool(act(norm1(x, s)))), s)))
 * with AdaIN norms and leaky ReLU (slope 0.2), beside a shortcut (a 1x1 convolution when the widths differ), summed and
 * scaled by 1/sqrt(2). An upsampling block doubles the steps: the shortcut by repeating each step, the residual path by a
 * depthwise transposed convolution (kernel 3, stride 2, padding 1, output padding 1) as its pool.
 */
public record AdainResBlk1d(AdaIn1d norm1, Conv1d conv1, AdaIn1d norm2, Conv1d conv2, Conv1d shortcut, float[] pool, float[] poolBias,
                            int in, int out) {
    static final float SLOPE = 0.2f, SCALE = (float) (1 / Math.sqrt(2));

    /** Loads prefix.norm1, conv1, norm2, conv2, and conv1x1 (widths differ) and pool (upsampling) where they are. */
    public static AdainResBlk1d load(WeightShapes w, String prefix, int in, int out, int style, boolean upsample) {
        float[] pool = null, poolBias = null;
        if (upsample) {
            pool = w.depthwiseKernel1d(prefix + ".pool", in, 3);
            poolBias = new float[in];
            w.vector(prefix + ".pool.bias", in).dequantize(0, poolBias, 0, in);
        }
        return new AdainResBlk1d(AdaIn1d.load(w, prefix + ".norm1", in, style), Conv1d.load(w, prefix + ".conv1", in, out, 3, 1, 1, 1),
                AdaIn1d.load(w, prefix + ".norm2", out, style), Conv1d.load(w, prefix + ".conv2", out, out, 3, 1, 1, 1),
                in == out ? null : Conv1d.load(w, prefix + ".conv1x1", in, out, 1, 1, 1, 0), pool, poolBias, in, out);
    }

    public boolean upsamples() { return pool != null; }

    /** The block on x [steps, in]: [steps, out], or [2 x steps, out] when it upsamples. */
    public float[] apply(Ops ops, float[] x, int steps, float[] s) {
        int outSteps = upsamples() ? 2 * steps : steps;
        float[] shortcutIn = upsamples() ? repeatEachStep(x, steps) : x;
        float[] sc = shortcut == null ? shortcutIn.clone() : shortcut.apply(ops, shortcutIn, outSteps);
        float[] r = new float[x.length];
        norm1.apply(ops, x, steps, norm1.modulation(ops, s), r);
        leakyRelu(r);
        if (upsamples()) r = depthwiseUpsample(r, steps);
        r = conv1.apply(ops, r, outSteps);
        norm2.apply(ops, r, outSteps, norm2.modulation(ops, s), r);
        leakyRelu(r);
        r = conv2.apply(ops, r, outSteps);
        for (int i = 0; i < r.length; i++) r[i] = (r[i] + sc[i]) * SCALE;
        return r;
    }

    private float[] repeatEachStep(float[] x, int steps) {
        float[] out = new float[2 * x.length];
        for (int t = 0; t < steps; t++) {
            System.arraycopy(x, t * in, out, 2 * t * in, in);
            System.arraycopy(x, t * in, out, (2 * t + 1) * in, in);
        }
        return out;
    }

    /** The depthwise transposed convolution: step t of each channel spreads over output steps 2t - 1 .. 2t + 1. */
    private float[] depthwiseUpsample(float[] x, int steps) {
        int outSteps = 2 * steps;
        float[] out = new float[outSteps * in];
        for (int t = 0; t < outSteps; t++) System.arraycopy(poolBias, 0, out, t * in, in);
        for (int t = 0; t < steps; t++)
            for (int tap = 0; tap < 3; tap++) {
                int to = 2 * t - 1 + tap;
                if (to < 0 || to >= outSteps) continue;
                for (int c = 0; c < in; c++) out[to * in + c] += x[t * in + c] * pool[c * 3 + tap];
            }
        return out;
    }

    private static void leakyRelu(float[] x) {
        for (int i = 0; i < x.length; i++) if (x[i] < 0) x[i] *= SLOPE;
    }
}
