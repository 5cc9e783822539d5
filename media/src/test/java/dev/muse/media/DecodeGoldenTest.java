package dev.muse.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our decoded pixels against llama.cpp's loader (stb_image) and, for WebP, libwebp. */
class DecodeGoldenTest {
    private final ImageDecoder decoder = new ImageDecoder();

    /** PNG is lossless and fully specified: every byte must equal stb's. */
    @ParameterizedTest
    @ValueSource(strings = {"rgb_37x23.png", "interlaced_37x23.png", "rgba_100x61.png", "grey_64x64.png",
            "rgb16_300x20.png", "grey16_23x41.png", "palette_45x30.png", "grey2_33x17.png"})
    void pngMatchesStbImageExactly(String name) {
        Picture expected = Goldens.decoded("decode", name);
        Picture actual = decoder.decode(Goldens.input(name));
        assertEquals(expected.size(), actual.size(), name);
        assertArrayEquals(expected.rgb(), actual.rgb(), name);
    }

    /**
     * JPEG decoders may differ: the standard lets the inverse DCT, the chroma upsampling and the YCbCr
     * conversion round differently. Java's decoder is libjpeg 6b (islow IDCT, "fancy" triangular upsampling);
     * stb_image has its own integer IDCT, its own upsampler and conversion. Measured mean / max differences:
     * photo 0.08 / 3, grey 0.003 / 1. The CMYK file (which the JDK's reader refuses; TwelveMonkeys reads it,
     * and without an ICC profile converts the inverted CMYK as stb does, R = C * K / 255): 0.41 / 2. The bounds
     * leave a little room above these.
     */
    @ParameterizedTest
    @ValueSource(strings = {"photo_192x128.jpg", "grey_80x50.jpg", "cmyk_48x32.jpg"})
    void jpegIsCloseToStbImage(String name) {
        Picture expected = Goldens.decoded("decode", name);
        Picture actual = decoder.decode(Goldens.input(name));
        assertEquals(expected.size(), actual.size(), name);
        Difference d = Difference.of(expected, actual);
        System.out.println(name + " vs stb_image: " + d);
        assertTrue(d.mean() < 1.0, name + ": " + d);
        assertTrue(d.max() <= 8, name + ": " + d);
    }

    /** Lossless WebP decodes to exactly libwebp's pixels. */
    @Test
    void losslessWebpMatchesLibwebpExactly() {
        String name = "rgba_lossless_100x61.webp";
        Picture expected = Goldens.decoded("webp", name);
        Picture actual = decoder.decode(Goldens.input(name));
        assertEquals(expected.size(), actual.size());
        assertArrayEquals(expected.rgb(), actual.rgb());
    }

    /**
     * Lossy WebP: TwelveMonkeys' VP8 decoder and libwebp differ mostly in how they upsample the half-size
     * chroma planes (libwebp's "fancy" upsampler interpolates, which moves colour edges by a pixel) and convert
     * YUV to RGB. Measured: per-sample mean 2.7 and 2.0 with outliers up to 68 on the sharp colour edges, while
     * luma (what shapes and text depend on) differs by 1.6 and 0.5 on average. Bounds leave room above that.
     */
    @ParameterizedTest
    @ValueSource(strings = {"photo_lossy_96x64.webp", "rgba_lossy_100x61.webp"})
    void lossyWebpIsCloseToLibwebp(String name) {
        Picture expected = Goldens.decoded("webp", name);
        Picture actual = decoder.decode(Goldens.input(name));
        assertEquals(expected.size(), actual.size(), name);
        Difference d = Difference.of(expected, actual);
        System.out.println(name + " vs libwebp: " + d);
        assertTrue(d.mean() < 3.5, name + ": " + d);
        assertTrue(d.lumaMean() < 2.5, name + ": " + d);
    }

    /** Mean and largest absolute difference over all samples, and the mean difference of BT.601 luma. */
    record Difference(double mean, int max, double lumaMean) {
        static Difference of(Picture a, Picture b) {
            long sum = 0;
            int max = 0;
            double luma = 0;
            byte[] x = a.rgb(), y = b.rgb();
            for (int i = 0; i < x.length; i += 3) {
                for (int c = 0; c < 3; c++) {
                    int d = Math.abs((x[i + c] & 0xFF) - (y[i + c] & 0xFF));
                    sum += d;
                    max = Math.max(max, d);
                }
                luma += Math.abs(luma(x, i) - luma(y, i));
            }
            return new Difference(sum / (double) x.length, max, luma / (x.length / 3));
        }

        private static double luma(byte[] rgb, int i) {
            return 0.299 * (rgb[i] & 0xFF) + 0.587 * (rgb[i + 1] & 0xFF) + 0.114 * (rgb[i + 2] & 0xFF);
        }
    }
}
