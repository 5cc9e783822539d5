package dev.muse.provenance.watermark;

import dev.muse.media.Audio;

/**
 * Muse's inaudible audio watermark: a 48-bit payload (and its CRC-16, convolutionally coded, as the image mark's) in a
 * noise-like signal of period {@value #PERIOD} samples (a third of a second at 24 kHz), band-limited to 0.3-6 kHz where
 * speech and every codec keep energy, following the sound's level {@value #LEVEL_DB} dB under it (silence stays
 * silent). One period holds a sync sequence and the data, each code bit spread over ~58 samples.
 *
 * <p>The detector whitens the sound (each short frame's spectrum divided by its own smoothed envelope, so that speech's
 * formants and loudness drop out), folds it onto one period so that every repeat of the mark adds up while the speech
 * averages out, finds the period's start by correlating with the sync sequence (a cut, a delay or an encoder's padding
 * only moves it), then reads the bits. Other rates are resampled to 24 kHz first. A false detection needs a random word to
 * pass the CRC: 2^-16 per sound checked.
 */
public final class AudioWatermark {
    /** The name C2PA's soft-binding assertion gives this mark. */
    public static final String ALGORITHM = "dev.muse.watermark.audio.v1";
    /** The rate the mark is written at: Kokoro's. */
    public static final int RATE = 24_000;
    static final int PERIOD = 8192, LOW_HZ = 300, HIGH_HZ = 6000;
    static final double LEVEL_DB = -30;
    static final float SYNC = 0.5f;
    /** Frames of the envelope and of the whitening. */
    private static final int FRAME = 512, HOP = FRAME / 2;
    private static final Spread CODE = new Spread(PERIOD, 0x4d75_7365_5f41_5731L); // "Muse_AW1"

    private AudioWatermark() {}

    /** What the detector found: whether a mark with a valid CRC is there, its payload, the word it read, and the sync's z-score. */
    public record Detection(boolean found, long payload, long word, double syncZ) {}

    /**
     * {@code samples} at {@link #RATE} with {@code payload} marked in them; the same length. The mark follows the sound's
     * level (each frame's RMS, interpolated): {@value #LEVEL_DB} dB under it, so silence stays silent. A sound made in
     * pieces is marked piece by piece, each at its {@code offset} (samples before it), so the pieces join into one mark.
     */
    public static float[] embed(float[] samples, int rate, long payload, long offset) {
        if (rate != RATE) throw new IllegalArgumentException("the audio watermark is written at " + RATE + " Hz, not " + rate);
        float[] code = Spread.encode(payload);
        double[] chips = new double[PERIOD];
        for (int t = 0; t < PERIOD; t++) chips[t] = SYNC * CODE.sync[t] + CODE.data[t] * code[CODE.bitOf[t]];
        double[] mark = bandLimited(chips);
        double rms = 0;
        for (double m : mark) rms += m * m;
        double gain = Math.pow(10, LEVEL_DB / 20) / Math.sqrt(rms / PERIOD);
        double[] level = level(samples);
        float[] out = new float[samples.length];
        for (int t = 0; t < samples.length; t++) out[t] = (float) (samples[t] + gain * level[t] * mark[(int) ((offset + t) % PERIOD)]);
        return out;
    }

    /** The sound's level, sample by sample: each frame's RMS, interpolated between frame centres. */
    private static double[] level(float[] samples) {
        int frames = (samples.length + HOP - 1) / HOP;
        double[] rms = new double[frames];
        for (int f = 0; f < frames; f++) {
            double sum = 0;
            int from = Math.max(0, f * HOP - HOP / 2), to = Math.min(samples.length, f * HOP + HOP + HOP / 2);
            for (int t = from; t < to; t++) sum += samples[t] * samples[t];
            rms[f] = Math.sqrt(sum / Math.max(1, to - from));
        }
        double[] out = new double[samples.length];
        for (int t = 0; t < samples.length; t++) {
            double at = (t - HOP / 2.0) / HOP;
            int f = (int) Math.floor(at);
            double a = at - f;
            out[t] = rms[Math.clamp(f, 0, frames - 1)] * (1 - a) + rms[Math.clamp(f + 1, 0, frames - 1)] * a;
        }
        return out;
    }

    /** Each bin's magnitude averaged over its neighbours: a frame's spectral envelope without its fine detail. */
    private static void smoothedMagnitude(double[] re, double[] im, double[] envelope) {
        int bins = FRAME / 2 + 1, reach = 3;
        double[] magnitude = new double[bins];
        for (int k = 0; k < bins; k++) magnitude[k] = Math.hypot(re[k], im[k]);
        for (int k = 0; k < bins; k++) {
            double sum = 0;
            for (int d = -reach; d <= reach; d++) sum += magnitude[Math.clamp(k + d, 0, bins - 1)];
            envelope[k] = sum / (2 * reach + 1);
        }
    }

    private static double[] window() {
        double[] window = new double[FRAME];
        for (int i = 0; i < FRAME; i++) window[i] = Math.sin(Math.PI * i / FRAME);
        return window;
    }

    /** Looks for a mark in {@code samples}. */
    public static Detection detect(float[] samples, int rate) {
        if (rate != RATE) samples = new Audio(samples, rate).at(RATE).samples();
        if (samples.length < FRAME) return new Detection(false, 0, 0, 0);
        double[] white = whitened(samples);
        double[] fold = new double[PERIOD];
        for (int t = 0; t < white.length; t++) fold[t % PERIOD] += white[t];
        // circular correlation with the sync sequence at every offset, through the FFT
        double[] re = fold.clone(), im = new double[PERIOD], sr = new double[PERIOD], si = new double[PERIOD];
        for (int t = 0; t < PERIOD; t++) sr[t] = CODE.sync[t];
        Fourier fft = new Fourier(PERIOD);
        fft.transform(re, im, false);
        fft.transform(sr, si, false);
        for (int k = 0; k < PERIOD; k++) { // F · conj(S)
            double r = re[k] * sr[k] + im[k] * si[k], i = im[k] * sr[k] - re[k] * si[k];
            re[k] = r;
            im[k] = i;
        }
        fft.transform(re, im, true);
        double energy = 0;
        for (double f : fold) energy += f * f;
        if (energy == 0) return new Detection(false, 0, 0, 0);
        int offset = 0;
        for (int k = 1; k < PERIOD; k++) if (re[k] > re[offset]) offset = k;
        double z = re[offset] / Math.sqrt(energy);
        float[] soft = new float[Spread.CODE_BITS];
        for (int t = 0; t < PERIOD; t++) soft[CODE.bitOf[t]] += (float) (fold[(t + offset) % PERIOD] * CODE.data[t]);
        long word = Spread.word(soft);
        boolean found = Spread.checks(word);
        return new Detection(found, found ? word >>> 16 : 0, word, z);
    }

    /** The periodic signal {@code chips} keeps of the band LOW_HZ..HIGH_HZ: its circular spectrum cut to the band. */
    private static double[] bandLimited(double[] chips) {
        double[] re = chips.clone(), im = new double[PERIOD];
        Fourier fft = new Fourier(PERIOD);
        fft.transform(re, im, false);
        int low = LOW_HZ * PERIOD / RATE, high = HIGH_HZ * PERIOD / RATE;
        for (int k = 0; k <= PERIOD / 2; k++)
            if (k < low || k > high) {
                re[k] = im[k] = 0;
                re[(PERIOD - k) % PERIOD] = im[(PERIOD - k) % PERIOD] = 0;
            }
        fft.transform(re, im, true);
        return re;
    }

    /**
     * The sound with each frame's spectrum divided by its own envelope (smoothed over neighbouring bins) and kept to the
     * mark's band: what is left of speech is close to white noise, of one level throughout, and the mark stands out of it.
     */
    private static double[] whitened(float[] samples) {
        double[] window = window();
        double[] out = new double[samples.length + 2 * FRAME], re = new double[FRAME], im = new double[FRAME], envelope = new double[FRAME / 2 + 1];
        Fourier fft = new Fourier(FRAME);
        int low = LOW_HZ * FRAME / RATE, high = HIGH_HZ * FRAME / RATE;
        for (int start = -HOP; start < samples.length; start += HOP) {
            for (int i = 0; i < FRAME; i++) {
                int t = start + i;
                re[i] = t >= 0 && t < samples.length ? samples[t] * window[i] : 0;
                im[i] = 0;
            }
            fft.transform(re, im, false);
            smoothedMagnitude(re, im, envelope);
            double floor = 1e-9;
            for (int k = low; k <= high; k++) floor = Math.max(floor, envelope[k] * 1e-3);
            for (int k = 0; k <= FRAME / 2; k++) {
                double scale = k >= low && k <= high ? 1 / (envelope[k] + floor) : 0;
                re[k] *= scale;
                im[k] *= scale;
                if (k > 0 && k < FRAME / 2) {
                    re[FRAME - k] *= scale;
                    im[FRAME - k] *= scale;
                }
            }
            fft.transform(re, im, true);
            for (int i = 0; i < FRAME; i++) out[start + i + FRAME] += re[i] * window[i];
        }
        return java.util.Arrays.copyOfRange(out, FRAME, FRAME + samples.length);
    }
}
