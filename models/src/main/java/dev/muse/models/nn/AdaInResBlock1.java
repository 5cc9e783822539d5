package dev.muse.models.nn;

import dev.muse.engine.Ops;

/**
 * StyleTTS 2 / Kokoro's ISTFTNet residual block (AdaINResBlock1) over channels-last steps: for each dilation d,
 * x += conv2(snake2(adain2(conv1_d(snake1(adain1(x, s))), s))), where conv1_d is a weight-normed 'same' convolution of
 * dilation d, conv2 one of dilation 1, and snake(x) = x + sin^2(alpha x) / alpha with a learned alpha per channel.
 */
public record AdaInResBlock1(Conv1d[] convs1, Conv1d[] convs2, AdaIn1d[] adain1, AdaIn1d[] adain2, float[][] alpha1, float[][] alpha2, int channels) {
    /** Loads prefix.convs1.i, convs2.i, adain1.i, adain2.i, alpha1.i and alpha2.i for each of {@code dilations}. */
    public static AdaInResBlock1 load(WeightShapes w, String prefix, int channels, int kernel, int[] dilations, int style) {
        int n = dilations.length;
        Conv1d[] c1 = new Conv1d[n], c2 = new Conv1d[n];
        AdaIn1d[] a1 = new AdaIn1d[n], a2 = new AdaIn1d[n];
        float[][] al1 = new float[n][], al2 = new float[n][];
        for (int i = 0; i < n; i++) {
            int d = dilations[i];
            c1[i] = Conv1d.load(w, prefix + ".convs1." + i, channels, channels, kernel, 1, d, (kernel * d - d) / 2);
            c2[i] = Conv1d.load(w, prefix + ".convs2." + i, channels, channels, kernel, 1, 1, (kernel - 1) / 2);
            a1[i] = AdaIn1d.load(w, prefix + ".adain1." + i, channels, style);
            a2[i] = AdaIn1d.load(w, prefix + ".adain2." + i, channels, style);
            al1[i] = floats(w, prefix + ".alpha1." + i, channels);
            al2[i] = floats(w, prefix + ".alpha2." + i, channels);
        }
        return new AdaInResBlock1(c1, c2, a1, a2, al1, al2, channels);
    }

    private static float[] floats(WeightShapes w, String name, int n) {
        float[] out = new float[n];
        w.vector(name, n).dequantize(0, out, 0, n);
        return out;
    }

    /** The block applied to x [steps, channels] with style s; x is updated in place and returned. */
    public float[] apply(Ops ops, float[] x, int steps, float[] s) {
        return apply(ops, x, steps, s, new float[][] {new float[steps * channels], new float[steps * channels], new float[steps * channels]});
    }

    /**
     * The block applied in place to the first steps x channels values of x, its layers working in {@code scratch}: three
     * arrays at least that long, which a caller that runs blocks one after another passes to each (a vocoder's
     * activations are megabytes each).
     */
    public float[] apply(Ops ops, float[] x, int steps, float[] s, float[][] scratch) {
        float[] xt = scratch[0], h = scratch[1], y = scratch[2];
        for (int i = 0; i < convs1.length; i++) {
            adain1[i].apply(ops, x, steps, adain1[i].modulation(ops, s), xt);
            ops.snake(xt, steps, channels, alpha1[i]);
            convs1[i].apply(ops, xt, steps, h);
            adain2[i].apply(ops, h, steps, adain2[i].modulation(ops, s), h);
            ops.snake(h, steps, channels, alpha2[i]);
            convs2[i].apply(ops, h, steps, y);
            ops.add(x, 0, x, 0, y, 0, steps * channels);
        }
        return x;
    }
}
