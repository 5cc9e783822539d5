package dev.muse.media;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** FLAC written by {@link FlacWriter} reads back through Muse's FLAC decoder (which checks every frame's CRCs) sample for sample. */
class FlacWriterTest {
    @Test
    void whatIsWrittenReadsBackExactly() {
        Random random = new Random(5);
        for (int rate : new int[] {24_000, 16_000, 44_100, 12_345})
            for (int n : new int[] {1, 2, 3, 17, 4095, 4096, 4097, 20_000}) {
                float[] samples = new float[n];
                for (int i = 0; i < n; i++) samples[i] = (float) (0.6 * Math.sin(i * 0.05) + 0.05 * random.nextGaussian());
                if (n > 10) samples[n / 2] = 3f; // clipped, as a loud vocoder's sample would be
                byte[] flac = FlacWriter.write(new Audio(samples, rate));
                Audio back = new AudioDecoder().decode(flac);
                assertEquals(rate, back.sampleRate());
                assertEquals(n, back.samples().length, n + " samples at " + rate + " Hz");
                for (int i = 0; i < n; i++) {
                    float expected = Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32768f))) / 32768f;
                    assertEquals(expected, back.samples()[i], 0f, "sample " + i + " of " + n);
                }
                if (n == 20_000) assertTrue(flac.length < WavWriter.pcm16(new Audio(samples, rate)).length, "smaller than the WAV, even with this much noise: " + flac.length);
            }
    }
}
