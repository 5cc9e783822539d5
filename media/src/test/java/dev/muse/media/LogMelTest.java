package dev.muse.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The FFT and the log-mel spectrogram against direct evaluations of their definitions, in double precision. */
class LogMelTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 8, 12, 25, 50, 400})
    void fftAgreesWithTheDirectTransform(int n) {
        Random random = new Random(n);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian();
        }
        float[] y = new float[2 * n];
        new Fft(n).transform(x, y);
        for (int k = 0; k < n; k++) {
            double re = 0, im = 0;
            for (int t = 0; t < n; t++) {
                re += x[t] * Math.cos(2 * Math.PI * k * t / n);
                im -= x[t] * Math.sin(2 * Math.PI * k * t / n);
            }
            double tolerance = 2e-6 * Math.sqrt(n) * n;
            assertEquals(re, y[2 * k], tolerance, "real part of bin " + k);
            assertEquals(im, y[2 * k + 1], tolerance, "imaginary part of bin " + k);
        }
    }

    @Test
    void spectrogramAgreesWithItsDefinition() {
        Random random = new Random(7);
        int bins = 12;
        float[] filters = new float[bins * LogMel.BINS];
        for (int i = 0; i < filters.length; i++) {
            filters[i] = random.nextFloat() < 0.1 ? random.nextFloat() * 0.02f : 0;
        }
        float[] sound = new float[5003];
        for (int i = 0; i < sound.length; i++) {
            sound[i] = (float) (0.3 * Math.sin(i * 0.05) + 0.05 * random.nextGaussian());
        }
        LogMel.Spectrogram mel = new LogMel(bins, filters).compute(sound);
        assertEquals((5003 + 480000) / 160, mel.frames());
        assertEquals(1 + (5003 + 200 - 400) / 160, mel.soundFrames());

        double[] reference = reference(sound, bins, filters, mel.frames());
        double worst = 0;
        for (int i = 0; i < reference.length; i++) {
            worst = Math.max(worst, Math.abs(reference[i] - mel.data()[i]));
        }
        assertTrue(worst < 1e-4, "largest difference " + worst);
    }

    /** The spectrogram by its definition: mirrored start, 30 s of zeros, direct DFT per frame, all in double. */
    private static double[] reference(float[] sound, int bins, float[] filters, int frames) {
        double[] padded = new double[sound.length + 480000 + 400];
        for (int i = 0; i < sound.length; i++) {
            padded[200 + i] = sound[i];
        }
        for (int i = 1; i <= 200; i++) {
            padded[200 - i] = sound[i];
        }
        double[] mel = new double[bins * frames];
        double loudest = -1e30;
        for (int f = 0; f < frames; f++) {
            double[] power = new double[LogMel.BINS];
            for (int k = 0; k < LogMel.BINS; k++) {
                double re = 0, im = 0;
                for (int t = 0; t < 400 && f * 160 < sound.length + 200; t++) {
                    double w = 0.5 * (1 - Math.cos(2 * Math.PI * t / 400)) * padded[f * 160 + t];
                    re += w * Math.cos(2 * Math.PI * k * t / 400);
                    im -= w * Math.sin(2 * Math.PI * k * t / 400);
                }
                power[k] = re * re + im * im;
            }
            for (int m = 0; m < bins; m++) {
                double sum = 0;
                for (int k = 0; k < LogMel.BINS; k++) {
                    sum += power[k] * filters[m * LogMel.BINS + k];
                }
                mel[m * frames + f] = Math.log10(Math.max(sum, 1e-10));
                loudest = Math.max(loudest, mel[m * frames + f]);
            }
        }
        for (int i = 0; i < mel.length; i++) {
            mel[i] = (Math.max(mel[i], loudest - 8) + 4) / 4;
        }
        return mel;
    }
}
