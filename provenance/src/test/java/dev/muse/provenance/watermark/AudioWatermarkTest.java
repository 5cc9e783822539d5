package dev.muse.provenance.watermark;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.media.Audio;
import dev.muse.media.AudioDecoder;
import dev.muse.media.AudioEncoder;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The audio watermark on real speech (the shared test data's jfk.wav, 11 s, at 24 kHz as Kokoro speaks): 30 dB under
 * the sound, read back from 3 s of it after an MP3 at 128 and 64 kbit/s and resampling to 16 and 44.1 kHz, written piece
 * by piece as speech is made, and never found where it was not put. The figures are `muse bench --watermark`'s.
 */
public class AudioWatermarkTest {
    public static float[] speech() throws Exception {
        Path jfk = Path.of(System.getProperty("muse.shared", "../shared"), "media", "jfk.wav");
        assertTrue(Files.isRegularFile(jfk), "the shared test data's speech is missing: " + jfk);
        return new AudioDecoder().decode(Files.readAllBytes(jfk)).at(AudioWatermark.RATE).samples();
    }

    static byte[] mp3(float[] samples, int rate, int kbps) {
        AudioEncoder lame = AudioEncoder.mp3(rate, kbps);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(lame.add(samples));
        out.writeBytes(lame.finish());
        return out.toByteArray();
    }

    static double snr(float[] clean, float[] marked) {
        double signal = 0, noise = 0;
        for (int i = 0; i < clean.length; i++) {
            signal += clean[i] * clean[i];
            noise += (marked[i] - clean[i]) * (marked[i] - clean[i]);
        }
        return 10 * Math.log10(signal / noise);
    }

    @Test
    void theMarkOutlivesMp3AndResampling() throws Exception {
        float[] clip = Arrays.copyOfRange(speech(), 0, 3 * AudioWatermark.RATE);
        long payload = 0x2B2B_1234_5678L;
        float[] marked = AudioWatermark.embed(clip, AudioWatermark.RATE, payload, 0);
        double snr = snr(clip, marked);
        assertTrue(snr > 29.5 && snr < 30.5, "SNR " + snr + " dB");
        AudioDecoder decoder = new AudioDecoder();
        Audio at24 = new Audio(marked, AudioWatermark.RATE);
        for (var attacked : Map.of("none", at24, "MP3 128 kbit/s", decoder.decode(mp3(marked, AudioWatermark.RATE, 128)),
                "MP3 64 kbit/s", decoder.decode(mp3(marked, AudioWatermark.RATE, 64)), "resampled to 16 kHz", at24.at(16_000),
                "resampled to 44.1 kHz", at24.at(44_100)).entrySet()) {
            AudioWatermark.Detection d = AudioWatermark.detect(attacked.getValue().samples(), attacked.getValue().sampleRate());
            assertTrue(d.found(), attacked.getKey() + ": " + d);
            assertEquals(payload, d.payload(), attacked.getKey());
        }
        assertFalse(AudioWatermark.detect(clip, AudioWatermark.RATE).found(), "unmarked speech");
        assertFalse(AudioWatermark.detect(new float[48_000], AudioWatermark.RATE).found(), "silence");
        assertFalse(AudioWatermark.detect(new float[100], AudioWatermark.RATE).found(), "too short to hold a mark");
    }

    @Test
    void speechMarkedPieceByPieceHoldsOneMark() throws Exception {
        float[] all = speech();
        long payload = 0x0F0F_CAFE_0001L;
        float[] joined = new float[all.length];
        int[] cuts = {0, 30_000, 97_123, 160_000, all.length};
        for (int p = 0; p + 1 < cuts.length; p++) {
            float[] piece = AudioWatermark.embed(Arrays.copyOfRange(all, cuts[p], cuts[p + 1]), AudioWatermark.RATE, payload, cuts[p]);
            System.arraycopy(piece, 0, joined, cuts[p], piece.length);
        }
        AudioWatermark.Detection d = AudioWatermark.detect(joined, AudioWatermark.RATE);
        assertTrue(d.found() && d.payload() == payload, d.toString());
        // a cut from the middle, as someone might share it
        AudioWatermark.Detection cut = AudioWatermark.detect(Arrays.copyOfRange(joined, 41_000, 41_000 + 2 * AudioWatermark.RATE), AudioWatermark.RATE);
        assertTrue(cut.found() && cut.payload() == payload, cut.toString());
        assertThrows(IllegalArgumentException.class, () -> AudioWatermark.embed(all, 16_000, payload, 0));
    }
}
