package dev.muse.models.nn;

import dev.muse.engine.Ops;
import dev.muse.engine.Tensor;

/**
 * StyleTTS 2's adaptive layer norm over rows ([steps, channels]): each row normalised over its channels (no affine
 * weights, eps 1e-5), then scaled by 1 + gamma and shifted by beta, both from a style vector by a linear layer (gamma
 * the first half of its output, beta the second).
 */
public record AdaLayerNorm(Tensor fc, float[] fcBias, int channels, int style) {
    static final float EPS = 1e-5f;

    /** Loads prefix.fc.{weight,bias}. */
    public static AdaLayerNorm load(WeightShapes w, String prefix, int channels, int style) {
        float[] bias = new float[2 * channels];
        w.vector(prefix + ".fc.bias", 2 * channels).dequantize(0, bias, 0, bias.length);
        return new AdaLayerNorm(w.matrix(prefix + ".fc.weight", 2 * channels, style), bias, channels, style);
    }

    /** In place over x [steps, channels], for style vector s. */
    public void apply(Ops ops, float[] x, int steps, float[] s) {
        float[] h = new float[2 * channels];
        ops.matmul(fc, s, 1, h, 2 * channels, style);
        for (int t = 0; t < steps; t++) {
            int row = t * channels;
            double sum = 0, squares = 0;
            for (int c = 0; c < channels; c++) sum += x[row + c];
            double mean = sum / channels;
            for (int c = 0; c < channels; c++) squares += (x[row + c] - mean) * (x[row + c] - mean);
            double scale = 1 / Math.sqrt(squares / channels + EPS);
            for (int c = 0; c < channels; c++)
                x[row + c] = (float) ((1 + h[c] + fcBias[c]) * ((x[row + c] - mean) * scale) + h[channels + c] + fcBias[channels + c]);
        }
    }
}
