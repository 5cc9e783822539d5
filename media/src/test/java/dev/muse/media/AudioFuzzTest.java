package dev.muse.media;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damaged copies of sound files in every format read (300 of each WAV, 120 of each compressed file; bytes
 * overwritten, header fields set to extremes, cut): each
 * must decode or end in a {@link MediaException}; no other exception, no hang, and tight limits make a header that
 * claims hours of samples, or a stream that expands to them, a refusal rather than an OutOfMemoryError.
 */
class AudioFuzzTest {
    private static final AudioLimits SMALL = new AudioLimits(1 << 20, 20, 96000, 8);

    @ParameterizedTest
    @ValueSource(strings = {"jfk", "stereo24", "float64", "extensible8", "jfk3.flac", "jfk1-stereo24.flac", "jfk3.mp3",
            "jfk3.opus", "jfk3.ogg", "jfk3-live.webm", "chromium-mediarecorder.webm", "jfk3.m4a", "jfk3-fragmented.m4a"})
    void damagedInputDecodesOrFailsCleanly(String name) {
        byte[] original = switch (name) {
            case "jfk" -> Arrays.copyOf(TestSounds.jfk(), 16044); // the header and half a second
            case "stereo24" -> TestSounds.wav(TestSounds.sine(440, 44100, 4000, 0.7), 44100, 2, 24, 1, false);
            case "float64" -> TestSounds.wav(TestSounds.sine(440, 8000, 1000, 0.7), 8000, 1, 64, 3, false);
            case "extensible8" -> TestSounds.wav(TestSounds.sine(440, 11025, 1000, 0.7), 11025, 3, 8, 1, true);
            default -> CompressedAudioTest.resource(name);
        };
        Random random = new Random(name.hashCode());
        AudioDecoder decoder = new AudioDecoder(SMALL);
        int decoded = 0, refused = 0;
        int rounds = name.contains(".") ? 120 : 300; // a compressed file costs a decode each: fewer rounds
        for (int i = 0; i < rounds; i++) {
            byte[] damaged = damage(original, random);
            Throwable outcome = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                try {
                    Audio audio = decoder.decode(damaged);
                    return audio.at(16000) == null ? new AssertionError() : null; // resampled too
                } catch (MediaException expected) {
                    return expected;
                }
            }, name + " mutation " + i);
            if (outcome == null) {
                decoded++;
            } else {
                refused++;
                assertTrue(outcome instanceof MediaException && !outcome.getMessage().isBlank(), outcome.toString());
            }
        }
        System.out.println(name + ": " + decoded + " damaged copies decoded, " + refused + " refused");
    }

    private static byte[] damage(byte[] original, Random random) {
        byte[] d = original.clone();
        switch (random.nextInt(4)) {
            case 0 -> { // a few random bytes anywhere
                for (int n = 1 + random.nextInt(8); n > 0; n--) {
                    d[random.nextInt(d.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> { // header bytes set to extremes, where sizes, rates and counts live
                for (int n = 1 + random.nextInt(3); n > 0; n--) {
                    d[random.nextInt(Math.min(d.length, 80))] = random.nextBoolean() ? (byte) 0xFF : 0;
                }
            }
            case 2 -> d = Arrays.copyOf(d, random.nextInt(d.length)); // cut anywhere
            default -> { // a random 32-bit field in the header
                int at = random.nextInt(Math.min(d.length, 80) - 4);
                int v = random.nextInt();
                d[at] = (byte) v;
                d[at + 1] = (byte) (v >> 8);
                d[at + 2] = (byte) (v >> 16);
                d[at + 3] = (byte) (v >> 24);
            }
        }
        return d;
    }
}
