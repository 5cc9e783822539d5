package dev.muse.models.nn;

import dev.muse.engine.Ops;
import dev.muse.engine.Tensor;

/**
 * StyleTTS 2's adaptive instance norm over channels-last steps ([steps, channels]): each channel normalised over the
 * steps (PyTorch's InstanceNorm1d with its affine weight and bias, eps 1e-5, biased variance), then scaled by
 * 1 + gamma and shifted by beta, both computed from a style vector by a linear layer (gamma the first half of its
 * output, beta the second).
 */
public record AdaIn1d(Tensor normWeight, Tensor normBias, Tensor fc, float[] fcBias, int channels, int style) {
    static final double EPS = 1e-5;

    /** Loads prefix.norm.{weight,bias} and prefix.fc.{weight,bias}. */
    public static AdaIn1d load(WeightShapes w, String prefix, int channels, int style) {
        float[] bias = new float[2 * channels];
        w.vector(prefix + ".fc.bias", 2 * channels).dequantize(0, bias, 0, bias.length);
        return new AdaIn1d(w.vector(prefix + ".norm.weight", channels), w.vector(prefix + ".norm.bias", channels),
                w.matrix(prefix + ".fc.weight", 2 * channels, style), bias, channels, style);
    }

    /** gamma and beta for style vector {@code s}: [2 x channels]. */
    public float[] modulation(Ops ops, float[] s) {
        float[] h = new float[2 * channels];
        ops.matmul(fc, s, 1, h, 2 * channels, style);
        for (int i = 0; i < h.length; i++) h[i] += fcBias[i];
        return h;
    }

    /** out = (1 + gamma) * instanceNorm(x) + beta, for x [steps, channels]; out may be x. */
    public void apply(Ops ops, float[] x, int steps, float[] modulation, float[] out) {
        float[] mean = new float[channels], variance = new float[channels], scale = new float[channels], shift = new float[channels];
        ops.channelMoments(x, steps, channels, mean, variance);
        for (int c = 0; c < channels; c++) {
            // (1 + gamma) * ((x - mean) / std * weight + bias) + beta, as one scale and shift per channel
            double gamma = 1 + modulation[c], normScale = normWeight.get(c) / Math.sqrt(variance[c] + EPS);
            scale[c] = (float) (gamma * normScale);
            shift[c] = (float) (gamma * (normBias.get(c) - mean[c] * normScale) + modulation[channels + c]);
        }
        ops.scaleShift(x, steps, channels, scale, shift, out);
    }
}
