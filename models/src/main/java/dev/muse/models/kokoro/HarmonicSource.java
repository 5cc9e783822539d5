package dev.muse.models.kokoro;

import dev.muse.engine.Tensor;
import dev.muse.models.nn.WeightShapes;

/**
 * The harmonic-plus-noise excitation of StyleTTS 2's ISTFTNet (SourceModuleHnNSF with its SineGen), as Kokoro computes
 * it: the F0 curve upsampled to audio rate (nearest), sines of the fundamental and 8 overtones whose phase is the running
 * sum of their frequency (worked out at frame rate and interpolated linearly, as PyTorch's F.interpolate does), noise
 * where the voice is unvoiced (F0 at most 10 Hz) or faint noise where it is voiced, merged into one signal by a linear
 * layer and tanh. The random numbers (each overtone's initial phase, the noise) are the caller's, so a run can be
 * repeated, or made to match a reference.
 */
public record HarmonicSource(float[] mergeWeight, float mergeBias, int sampleRate, int upsample) {
    static final int HARMONICS = 9;
    static final float SINE_AMPLITUDE = 0.1f, NOISE_STD = 0.003f, VOICED_THRESHOLD = 10;

    /** Loads prefix.m_source.l_linear ([1, 9] and its bias). */
    public static HarmonicSource load(WeightShapes w, String prefix, int sampleRate, int upsample) {
        float[] weight = new float[HARMONICS];
        w.vector(prefix + ".m_source.l_linear.weight", HARMONICS).dequantize(0, weight, 0, HARMONICS);
        Tensor bias = w.vector(prefix + ".m_source.l_linear.bias", 1);
        return new HarmonicSource(weight, bias.get(0), sampleRate, upsample);
    }

    /**
     * The excitation for an F0 curve of {@code f0.length} frames: f0.length x upsample samples.
     *
     * @param phases each overtone's initial phase in turns ([9]; the fundamental's, the first, is taken as 0, as the reference sets it)
     * @param noise  standard normal noise, [samples, 9]
     */
    public float[] apply(float[] f0, float[] phases, float[] noise) {
        int frames = f0.length, samples = frames * upsample;
        if (phases.length != HARMONICS || noise.length != samples * HARMONICS)
            throw new IllegalArgumentException("the source needs 9 phases and " + samples + " x 9 noise values");
        // each overtone's frequency in turns per sample, at audio rate; the first sample carries the initial phases
        float[] rad = new float[samples * HARMONICS];
        for (int t = 0; t < samples; t++) {
            float f = f0[t / upsample];
            for (int h = 0; h < HARMONICS; h++) {
                float turns = f * (h + 1) / sampleRate;
                rad[t * HARMONICS + h] = turns - (float) Math.floor(turns);
            }
        }
        for (int h = 1; h < HARMONICS; h++) rad[h] += phases[h];
        // phase at frame rate: the frequencies downsampled, then summed, then upsampled again, each linearly
        float[] down = Interpolation.linear(rad, samples, HARMONICS, frames, 1.0 / upsample);
        float[] phase = new float[down.length];
        float[] sum = new float[HARMONICS];
        for (int t = 0; t < frames; t++)
            for (int h = 0; h < HARMONICS; h++) {
                sum[h] += down[t * HARMONICS + h];
                phase[t * HARMONICS + h] = sum[h] * 2 * (float) Math.PI * upsample;
            }
        float[] up = Interpolation.linear(phase, frames, HARMONICS, samples, upsample);
        float[] out = new float[samples];
        for (int t = 0; t < samples; t++) {
            boolean voiced = f0[t / upsample] > VOICED_THRESHOLD;
            float amplitude = voiced ? NOISE_STD : SINE_AMPLITUDE / 3;
            double merged = mergeBias;
            for (int h = 0; h < HARMONICS; h++) {
                float sine = (float) Math.sin(up[t * HARMONICS + h]) * SINE_AMPLITUDE;
                float value = (voiced ? sine : 0) + amplitude * noise[t * HARMONICS + h];
                merged += (double) mergeWeight[h] * value;
            }
            out[t] = (float) Math.tanh(merged);
        }
        return out;
    }
}
