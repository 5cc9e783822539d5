package dev.muse.media;

import java.util.stream.IntStream;

/**
 * Whisper's log-mel spectrogram, computed as whisper.cpp computes it so that a model sees the same input here as
 * there: 16 kHz mono, 25 ms frames ({@value #FRAME} samples) every 10 ms ({@value #HOP}), a periodic Hann window,
 * the power spectrum's {@value #BINS} bins through the model's own mel filter bank (stored in its file), then
 * {@code log10} (floor 1e-10), clamped to 8 below the loudest value and scaled as {@code (x + 4) / 4}.
 *
 * <p>Padding, as there: the first {@value #FRAME}/2 samples mirrored before the start (without repeating sample
 * 0), and 30 s of silence after the end, so that every window of {@value #WINDOW_FRAMES} frames the encoder
 * reads is full. Frames past the sound's end are silence, log10(1e-10) before scaling.
 *
 * @see <a href="https://github.com/openai/whisper/blob/main/whisper/audio.py">whisper/audio.py</a>
 */
public final class LogMel {
    public static final int SAMPLE_RATE = 16000;
    public static final int FRAME = 400;
    public static final int HOP = 160;
    public static final int BINS = FRAME / 2 + 1;
    /** Frames in the 30 s the encoder reads at once. */
    public static final int WINDOW_FRAMES = 3000;
    private static final int PAD = FRAME / 2;
    private static final int TAIL = 30 * SAMPLE_RATE;
    private static final double SILENCE = Math.log10(1e-10);

    private final int melBins;
    private final float[] filters; // [melBins][BINS]
    private final float[] window = new float[FRAME];

    /**
     * @param filters the filter bank, {@code melBins} rows of {@value #BINS} weights (whisper.cpp's ggml files
     *                carry it after the hyper-parameters)
     */
    public LogMel(int melBins, float[] filters) {
        if (melBins < 1 || filters.length != (long) melBins * BINS) {
            throw new IllegalArgumentException("a mel filter bank of " + melBins + " bins needs " + melBins * BINS
                    + " weights, not " + filters.length);
        }
        this.melBins = melBins;
        this.filters = filters.clone();
        for (int i = 0; i < FRAME; i++) {
            window[i] = (float) (0.5 * (1.0 - (float) Math.cos((float) (2.0 * Math.PI * i / FRAME)))); // cosf, as there
        }
    }

    public int melBins() {
        return melBins;
    }

    /**
     * The spectrogram of {@code samples} (16 kHz): {@link Spectrogram#frames()} = (samples + 30 s) / hop frames,
     * of which {@link Spectrogram#soundFrames()} hold the sound itself.
     */
    public Spectrogram compute(float[] samples) {
        long frames = ((long) samples.length + TAIL) / HOP;
        if (frames * melBins > Integer.MAX_VALUE - 8) {
            throw new MediaException("the audio is too long for one spectrogram: split it");
        }
        int n = (int) frames;
        float[] mel = new float[melBins * n];
        int end = samples.length + PAD; // where the sound stops in the padded signal
        int spectral = Math.min(end / HOP + 1, n); // later frames see only silence
        int chunk = 256;
        IntStream.range(0, (spectral + chunk - 1) / chunk).parallel().forEach(c -> {
            Fft fft = new Fft(FRAME);
            float[] in = new float[FRAME], out = new float[2 * FRAME], power = new float[BINS];
            for (int i = c * chunk; i < Math.min(spectral, (c + 1) * chunk); i++) {
                frame(samples, i * HOP, end, in, fft, out, power, mel, i, n);
            }
        });
        for (int i = spectral; i < n; i++) {
            for (int m = 0; m < melBins; m++) {
                mel[m * n + i] = (float) SILENCE;
            }
        }
        float floor = Float.NEGATIVE_INFINITY;
        for (float v : mel) {
            floor = Math.max(floor, v);
        }
        floor -= 8;
        for (int i = 0; i < mel.length; i++) {
            mel[i] = (Math.max(mel[i], floor) + 4) / 4;
        }
        int soundFrames = Math.max(0, (samples.length + PAD - FRAME) / HOP + 1);
        return new Spectrogram(melBins, n, Math.min(soundFrames, n), mel);
    }

    /**
     * Sample p of the padded signal whisper.cpp transforms: PAD samples mirrored around sample 0 (silence where the
     * sound is shorter), the sound, then silence. Read in place: a padded copy doubled the audio's memory (230 MB
     * for an hour).
     */
    private static float padded(float[] samples, int p) {
        int at = p < PAD ? PAD - p : p - PAD;
        return at < samples.length ? samples[at] : 0f;
    }

    private void frame(float[] samples, int offset, int end, float[] in, Fft fft, float[] out, float[] power,
            float[] mel, int frame, int frames) {
        int take = Math.min(FRAME, end - offset);
        for (int j = 0; j < FRAME; j++) {
            in[j] = j < take ? window[j] * padded(samples, offset + j) : 0;
        }
        fft.transform(in, out);
        for (int k = 0; k < BINS; k++) {
            power[k] = out[2 * k] * out[2 * k] + out[2 * k + 1] * out[2 * k + 1];
        }
        for (int m = 0; m < melBins; m++) {
            double sum = 0;
            int row = m * BINS;
            for (int k = 0; k < BINS; k++) {
                sum += power[k] * filters[row + k];
            }
            mel[m * frames + frame] = (float) Math.log10(Math.max(sum, 1e-10));
        }
    }

    /**
     * A log-mel spectrogram, {@code bins} rows of {@code frames} values ({@code data[bin * frames + frame]}).
     *
     * @param soundFrames the frames that hold the sound (the rest is the 30 s of padding)
     */
    public record Spectrogram(int bins, int frames, int soundFrames, float[] data) {
        public float at(int bin, int frame) {
            return data[bin * frames + frame];
        }
    }
}
