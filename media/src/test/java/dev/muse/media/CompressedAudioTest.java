package dev.muse.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * FLAC, MP3, Ogg Opus and WebM Opus files made from the first seconds of jfk.wav by the reference encoders
 * (src/test/resources/audio/README.md), decoded and held to the original samples: FLAC exactly, the lossy codecs by
 * their signal-to-noise ratio at the best alignment (an MP3 encoder delays the sound by its own amount).
 */
class CompressedAudioTest {
    private final AudioDecoder decoder = new AudioDecoder();

    @Test
    void flacIsLossless() {
        float[] original = jfk(48000);
        Audio audio = decoder.decode(resource("jfk3.flac"));
        assertEquals(16000, audio.sampleRate());
        assertArrayEquals(original, audio.samples());
        Audio stereo24 = decoder.decode(resource("jfk1-stereo24.flac"));
        assertArrayEquals(Arrays.copyOf(original, 16000), stereo24.samples(), "24-bit stereo of equal channels mixes to the source");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"jfk3.mp3,16000,12", "jfk3.opus,48000,12", "jfk3.ogg,16000,12", "jfk3.webm,48000,12", "jfk3-live.webm,48000,12",
            "jfk3.m4a,16000,12", "jfk3-fragmented.m4a,16000,12"})
    void lossyCodecsKeepTheSpeech(String file, int rate, double minimumSnr) {
        Audio audio = decoder.decode(resource(file));
        assertEquals(rate, audio.sampleRate());
        float[] heard = audio.at(16000).samples();
        assertTrue(Math.abs(heard.length - 48000) < 2000, file + ": " + heard.length + " samples at 16 kHz for 3 s");
        double snr = bestSnr(jfk(48000), heard, 2500);
        System.out.printf("%s: SNR %.1f dB against the source%n", file, snr);
        assertTrue(snr > minimumSnr, file + ": SNR " + snr + " dB");
    }

    @Test
    void chromiumsMediaRecorderOutputDecodes() {
        Audio audio = decoder.decode(resource("chromium-mediarecorder.webm"));
        assertEquals(48000, audio.sampleRate());
        assertTrue(audio.seconds() > 2, audio.seconds() + " s");
        double rms = 0;
        for (float v : audio.samples()) rms += v * v;
        rms = Math.sqrt(rms / audio.samples().length);
        assertTrue(rms > 0.01, "speech, not silence: RMS " + rms);
    }

    @Test
    void opusInMp4IsRefusedByName() {
        MediaException e = assertThrows(MediaException.class, () -> decoder.decode(resource("chromium-opus.mp4")));
        assertTrue(e.getMessage().contains("Opus, which Muse reads in WebM and Ogg but not yet in MP4"), e.getMessage());
    }

    @Test
    void compressedSoundIsCappedAsItGrows() {
        AudioDecoder strict = new AudioDecoder(new AudioLimits(1 << 20, 1.0, 48000, 2));
        for (String file : new String[] {"jfk3.flac", "jfk3.mp3", "jfk3.opus", "jfk3.ogg", "jfk3.webm", "jfk3.m4a"}) {
            MediaException e = assertThrows(MediaException.class, () -> strict.decode(resource(file)), file);
            assertTrue(e.getMessage().contains("the longest accepted is 0:01"), file + ": " + e.getMessage());
        }
    }

    /** The best signal-to-noise ratio in dB of {@code heard} against {@code source}, shifted by up to {@code maxLag}. */
    static double bestSnr(float[] source, float[] heard, int maxLag) {
        double best = Double.NEGATIVE_INFINITY;
        for (int lag = -maxLag; lag <= maxLag; lag += 1) {
            double signal = 0, noise = 0;
            for (int i = 2000; i < source.length - 2000; i++) {
                int j = i + lag;
                if (j < 0 || j >= heard.length) continue;
                double d = source[i] - heard[j];
                signal += source[i] * (double) source[i];
                noise += d * d;
            }
            best = Math.max(best, 10 * Math.log10(signal / noise));
        }
        return best;
    }

    static float[] jfk(int samples) {
        return Arrays.copyOf(new AudioDecoder().decode(TestSounds.jfk()).samples(), samples);
    }

    static byte[] resource(String name) {
        try (InputStream in = CompressedAudioTest.class.getResourceAsStream("/audio/" + name)) {
            if (in == null) fail("test data missing: media/src/test/resources/audio/" + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
