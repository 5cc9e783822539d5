package dev.muse.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lossless WebP files, read back by an independent decoder (TwelveMonkeys' VP8L reader, through {@link ImageDecoder}):
 * every pixel exact, for pictures whose histograms take each kind of prefix code.
 */
class WebpWriterTest {
    @ParameterizedTest
    @ValueSource(strings = {"noise", "gradient", "flat", "two-colours", "one-pixel", "wide"})
    void everyPixelComesBack(String kind) {
        Picture p = picture(kind);
        byte[] webp = WebpWriter.encode(p, null);
        assertEquals("RIFF", new String(webp, 0, 4, StandardCharsets.US_ASCII));
        assertEquals("WEBPVP8L", new String(webp, 8, 8, StandardCharsets.US_ASCII));
        Picture back = new ImageDecoder().decode(webp);
        assertEquals(p.width(), back.width());
        assertEquals(p.height(), back.height());
        assertArrayEquals(p.rgb(), back.rgb(), kind + ": lossless");
        if (kind.equals("two-colours")) assertTrue(webp.length < p.rgb().length / 8, "two colours take a bit a channel: " + webp.length + " bytes");
    }

    @Test
    void parametersGoInAnXmpChunkOfAnExtendedFile() {
        Picture p = picture("gradient");
        byte[] webp = WebpWriter.encode(p, "a red fox & a \"cat\"\nSteps: 2, Seed: 7");
        assertEquals("WEBPVP8X", new String(webp, 8, 8, StandardCharsets.US_ASCII));
        String text = new String(webp, StandardCharsets.UTF_8);
        assertTrue(text.contains("XMP ") && text.contains("muse:parameters=\"a red fox &amp; a &quot;cat&quot;&#10;Steps: 2, Seed: 7\""), "the XMP packet");
        assertArrayEquals(p.rgb(), new ImageDecoder().decode(webp).rgb());
    }

    @Test
    void codeLengthsStayWithinTheFormatsLimit() {
        int[] counts = new int[40];
        for (int i = 0, f0 = 1, f1 = 1; i < counts.length; i++, f1 = f0 + (f0 = f1)) counts[i] = Math.max(1, f0); // Fibonacci: the deepest tree
        int[] lengths = WebpWriter.lengths(counts, 15);
        double kraft = 0;
        for (int l : lengths) {
            assertTrue(l >= 1 && l <= 15, "length " + l);
            kraft += Math.pow(2, -l);
        }
        assertEquals(1.0, kraft, 1e-12, "a complete code");
    }

    static Picture picture(String kind) {
        int w = switch (kind) { case "one-pixel" -> 1; case "wide" -> 301; default -> 40; };
        int h = switch (kind) { case "one-pixel" -> 1; case "wide" -> 3; default -> 24; };
        Picture p = Picture.blank(w, h);
        Random random = new Random(kind.hashCode());
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++) {
                    int v = switch (kind) {
                        case "noise", "wide" -> random.nextInt(256);
                        case "gradient" -> (x * 6 + y * 3 * c) & 0xFF;
                        case "flat", "one-pixel" -> 90 + 40 * c;
                        default -> (x < w / 2 ? 10 : 200) + c;
                    };
                    p.rgb()[(y * w + x) * 3 + c] = (byte) v;
                }
        return p;
    }
}
