package dev.muse.media;

/**
 * The short-time Fourier transform and its inverse as PyTorch's {@code torch.stft} / {@code torch.istft} compute them
 * with a periodic Hann window as long as the frame, {@code center=True} (the signal reflect-padded by half a frame at
 * each end) and one-sided spectra: what ISTFTNet vocoders (StyleTTS 2, Kokoro: 20-sample frames every 5 samples) turn
 * their harmonic source into and their output back from. Spectra are [frame][bin], bins = frame / 2 + 1. The inverse
 * overlap-adds windowed frames and divides by the summed squared window, as torch.istft does. Frames are short, so each
 * is a direct transform (O(n^2), in double). Immutable; safe to share.
 */
public final class Stft {
    private final int n, hop, bins;
    private final double[] window, cos, sin;

    public Stft(int frameLength, int hop) {
        if (frameLength < 2 || frameLength % 2 != 0 || hop < 1 || hop > frameLength)
            throw new IllegalArgumentException("an STFT of " + frameLength + "-sample frames every " + hop + " samples");
        this.n = frameLength;
        this.hop = hop;
        this.bins = frameLength / 2 + 1;
        this.window = new double[n];
        this.cos = new double[n];
        this.sin = new double[n];
        for (int i = 0; i < n; i++) {
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n);
            cos[i] = Math.cos(2 * Math.PI * i / n);
            sin[i] = Math.sin(2 * Math.PI * i / n);
        }
    }

    public int bins() { return bins; }

    /** Frames of a signal of {@code samples} samples: one every hop, from the reflect-padded start. */
    public int frames(int samples) { return 1 + samples / hop; }

    /** Spectrum of {@code signal}: {re, im} per [frame][bin], interleaved (2 * frames * bins floats). */
    public float[] forward(float[] signal) {
        int pad = n / 2;
        if (signal.length <= pad) throw new IllegalArgumentException("a signal of " + signal.length + " samples is too short to reflect-pad by " + pad);
        int frames = frames(signal.length);
        float[] out = new float[2 * frames * bins];
        double[] frame = new double[n];
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < n; i++) frame[i] = reflected(signal, f * hop + i - pad) * window[i];
            for (int k = 0; k < bins; k++) {
                double re = 0, im = 0;
                for (int i = 0; i < n; i++) {
                    int angle = (int) ((long) k * i % n);
                    re += frame[i] * cos[angle];
                    im -= frame[i] * sin[angle];
                }
                out[2 * (f * bins + k)] = (float) re;
                // a real signal's DC and Nyquist bins are real: their imaginary part is +0, as a real FFT gives it
                // (PyTorch's), so a negative bin's phase is +pi, not +-pi by the rounding of sin(pi)
                out[2 * (f * bins + k) + 1] = k == 0 || 2 * k == n ? 0f : (float) im;
            }
        }
        return out;
    }

    private static float reflected(float[] s, int i) {
        int last = s.length - 1;
        if (i < 0) i = -i;
        if (i > last) i = 2 * last - i;
        return s[i];
    }

    /**
     * The signal whose spectrum is magnitude * e^(i phase), each [frame][bin]: hop * (frames - 1) samples, as torch.istft
     * gives without a length. DC and Nyquist bins count by their real part only (a real signal's transform).
     */
    public float[] inverse(float[] magnitude, float[] phase, int frames) {
        if (frames < 1 || magnitude.length != frames * bins || phase.length != frames * bins)
            throw new IllegalArgumentException(frames + " frames of " + bins + " bins do not match the spectrum's size");
        int total = n + hop * (frames - 1);
        double[] sum = new double[total], envelope = new double[total];
        for (int f = 0; f < frames; f++) {
            for (int t = 0; t < n; t++) {
                double x = magnitude[f * bins] * Math.cos(phase[f * bins]); // DC
                x += magnitude[f * bins + bins - 1] * Math.cos(phase[f * bins + bins - 1]) * ((t & 1) == 0 ? 1 : -1); // Nyquist
                for (int k = 1; k < bins - 1; k++) {
                    int angle = (int) ((long) k * t % n);
                    double m = magnitude[f * bins + k], p = phase[f * bins + k];
                    x += 2 * m * (Math.cos(p) * cos[angle] - Math.sin(p) * sin[angle]);
                }
                sum[f * hop + t] += x / n * window[t];
                envelope[f * hop + t] += window[t] * window[t];
            }
        }
        float[] out = new float[hop * (frames - 1)];
        for (int i = 0; i < out.length; i++) {
            int at = i + n / 2;
            out[i] = (float) (envelope[at] > 1e-11 ? sum[at] / envelope[at] : sum[at]);
        }
        return out;
    }
}
