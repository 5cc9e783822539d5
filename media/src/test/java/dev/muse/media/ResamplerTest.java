package dev.muse.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResamplerTest {
    /** The table-driven resampler against the filter evaluated directly, in double, for every output sample. */
    @ParameterizedTest(name = "{0} -> {1} Hz")
    @CsvSource({"48000,16000,1e-6", "44100,16000,1e-6", "22050,16000,1e-6", "8000,16000,1e-6", "11025,16000,1e-6",
            "16000,24000,1e-6", "44101,16000,2e-4"})
    void agreesWithTheScalarReference(int in, int out, double tolerance) {
        Random random = new Random(in * 31L + out);
        float[] x = new float[3 * in / 10 + 7];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian() * 0.3f;
        }
        float[] y = new Resampler(in, out).resample(x);
        assertEquals((long) Math.ceil(x.length * (double) out / in), y.length);
        double worst = 0;
        for (int n = 0; n < y.length; n++) {
            double t = n * (double) in / out, sum = 0;
            for (int i = 0; i < x.length; i++) {
                sum += x[i] * Resampler.kernel(i - t, in, out);
            }
            worst = Math.max(worst, Math.abs(sum - y[n]));
        }
        assertTrue(worst < tolerance, "largest difference " + worst);
    }

    /** Tones inside the new band keep their level; tones above its Nyquist frequency do not fold back into it. */
    @ParameterizedTest(name = "{0} -> {1} Hz, {2} Hz tone")
    @CsvSource({"48000,16000,1000,0", "48000,16000,6500,0", "44100,16000,3000,0", "8000,16000,3000,0",
            "48000,16000,8200,-80", "48000,16000,12000,-80", "48000,16000,23000,-80", "44100,16000,9000,-80",
            "22050,16000,10000,-80"})
    void keepsThePassBandAndStopsAliases(int in, int out, double hertz, double expectedDb) {
        float[] tone = TestSounds.sine(hertz, in, in, 0.5); // one second
        float[] y = new Resampler(in, out).resample(tone);
        double rms = 0;
        int from = out / 10, to = y.length - out / 10; // away from the edges, where the filter sees silence
        for (int i = from; i < to; i++) {
            rms += y[i] * y[i];
        }
        double db = 20 * Math.log10(Math.sqrt(rms / (to - from)) / (0.5 / Math.sqrt(2)));
        if (expectedDb == 0) {
            assertEquals(0, db, 0.05, "pass-band gain in dB");
        } else {
            assertTrue(db < expectedDb, "a " + hertz + " Hz tone comes out at " + db + " dB");
        }
    }
}
