package dev.muse.models.kokoro;

/**
 * Linear resampling along time of channels-last rows, exactly as PyTorch's {@code F.interpolate(mode="linear",
 * scale_factor=...)} with align_corners False: output step i reads the input at (i + 0.5) / scale - 0.5 (clamped at
 * 0), blending the two steps around it, in single precision with the scale's reciprocal rounded to float first.
 */
final class Interpolation {
    private Interpolation() {}

    /** {@code x} of {@code steps} rows of {@code channels}, resampled to {@code outSteps} rows by {@code scaleFactor}. */
    static float[] linear(float[] x, int steps, int channels, int outSteps, double scaleFactor) {
        float step = (float) (1.0 / scaleFactor);
        float[] out = new float[outSteps * channels];
        for (int i = 0; i < outSteps; i++) {
            float source = Math.max(step * (i + 0.5f) - 0.5f, 0f);
            int i0 = (int) source, i1 = i0 + (i0 < steps - 1 ? 1 : 0);
            float l1 = source - i0, l0 = 1f - l1;
            for (int c = 0; c < channels; c++) out[i * channels + c] = l0 * x[i0 * channels + c] + l1 * x[i1 * channels + c];
        }
        return out;
    }
}
