package dev.muse.media;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Stft against torch.stft / torch.istft with Kokoro's settings (golden/stft: torch 1.13). */
class StftTest {
    static float[] floats(String name) {
        try {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(Path.of("src/test/resources/golden/stft", name + ".f32")))
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[b.remaining() / 4];
            b.asFloatBuffer().get(out);
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theSpectrumOfASignalIsTorchs() {
        float[] signal = floats("signal"), re = floats("real"), im = floats("imag");
        Stft stft = new Stft(20, 5);
        assertEquals(21, stft.frames(signal.length), "torch's frame count for 103 samples");
        float[] spectrum = stft.forward(signal);
        assertEquals(2 * re.length, spectrum.length);
        for (int i = 0; i < re.length; i++) {
            assertEquals(re[i], spectrum[2 * i], 1e-5, "real " + i);
            assertEquals(im[i], spectrum[2 * i + 1], 1e-5, "imaginary " + i);
        }
    }

    @Test
    void theSignalOfASpectrumIsTorchs() {
        float[] magnitude = floats("magnitude"), phase = floats("phase"), expected = floats("inverse");
        float[] signal = new Stft(20, 5).inverse(magnitude, phase, 24);
        assertEquals(expected.length, signal.length);
        for (int i = 0; i < signal.length; i++) assertEquals(expected[i], signal[i], 2e-5, "sample " + i);
    }

    @Test
    void aSignalComesBackFromItsSpectrum() {
        float[] signal = floats("signal");
        Stft stft = new Stft(20, 5);
        float[] spectrum = stft.forward(signal);
        int frames = stft.frames(signal.length), bins = stft.bins();
        float[] magnitude = new float[frames * bins], phase = new float[frames * bins];
        for (int i = 0; i < magnitude.length; i++) {
            magnitude[i] = (float) Math.hypot(spectrum[2 * i], spectrum[2 * i + 1]);
            phase[i] = (float) Math.atan2(spectrum[2 * i + 1], spectrum[2 * i]);
        }
        float[] back = stft.inverse(magnitude, phase, frames);
        for (int i = 0; i < back.length; i++) assertEquals(signal[i], back[i], 1e-5, "sample " + i);
        assertThrows(IllegalArgumentException.class, () -> new Stft(21, 5));
    }
}
