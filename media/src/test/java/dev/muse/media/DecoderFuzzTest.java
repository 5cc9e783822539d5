package dev.muse.media;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damaged copies of every golden input (bytes overwritten, cut, inserted, header fields set to extremes):
 * each must decode or end in a {@link MediaException}; no other exception, no hang, no giant allocation
 * (tight limits make a blown-up header visible as a refusal, not an OutOfMemoryError).
 */
class DecoderFuzzTest {
    private static final ImageLimits SMALL = new ImageLimits(1 << 20, 1024, 1024, 1 << 20);

    @ParameterizedTest
    @ValueSource(strings = {"rgb_37x23.png", "interlaced_37x23.png", "rgba_100x61.png", "rgb16_300x20.png",
            "palette_45x30.png", "grey2_33x17.png", "photo_192x128.jpg", "grey_80x50.jpg",
            "photo_lossy_96x64.webp", "rgba_lossless_100x61.webp", "rgba_lossy_100x61.webp", "cmyk_48x32.jpg"})
    void damagedInputDecodesOrFailsCleanly(String name) {
        byte[] original = Goldens.input(name);
        Random random = new Random(name.hashCode());
        ImageDecoder decoder = new ImageDecoder(SMALL);
        int decoded = 0, refused = 0;
        for (int i = 0; i < 150; i++) {
            byte[] damaged = damage(original, random);
            Throwable outcome = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                try {
                    decoder.decode(damaged);
                    return null;
                } catch (MediaException expected) {
                    return expected;
                }
            }, name + " mutation " + i);
            if (outcome == null) {
                decoded++;
            } else {
                refused++;
                assertTrue(outcome.getMessage() != null && !outcome.getMessage().isBlank());
            }
        }
        System.out.println(name + ": " + decoded + " damaged copies decoded, " + refused + " refused");
    }

    private static byte[] damage(byte[] original, Random random) {
        byte[] d = original.clone();
        switch (random.nextInt(5)) {
            case 0 -> { // a few random bytes anywhere
                for (int n = 1 + random.nextInt(8); n > 0; n--) {
                    d[random.nextInt(d.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> { // header bytes set to extremes, where sizes and lengths live
                for (int n = 1 + random.nextInt(3); n > 0; n--) {
                    d[random.nextInt(Math.min(d.length, 64))] = random.nextBoolean() ? (byte) 0xFF : 0;
                }
            }
            case 2 -> d = java.util.Arrays.copyOf(d, random.nextInt(d.length)); // cut anywhere
            case 3 -> { // a run of garbage inserted
                int at = random.nextInt(d.length);
                byte[] junk = new byte[1 + random.nextInt(32)];
                random.nextBytes(junk);
                byte[] out = new byte[d.length + junk.length];
                System.arraycopy(d, 0, out, 0, at);
                System.arraycopy(junk, 0, out, at, junk.length);
                System.arraycopy(d, at, out, at + junk.length, d.length - at);
                d = out;
            }
            default -> { // a block zeroed
                int at = random.nextInt(d.length);
                java.util.Arrays.fill(d, at, Math.min(d.length, at + 1 + random.nextInt(64)), (byte) 0);
            }
        }
        return d;
    }
}
