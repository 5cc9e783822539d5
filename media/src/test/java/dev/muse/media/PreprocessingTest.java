package dev.muse.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Properties of the preprocessing pieces that the golden files do not spell out. */
class PreprocessingTest {
    private static Picture random(int w, int h, long seed) {
        Picture p = Picture.blank(w, h);
        new Random(seed).nextBytes(p.rgb());
        return p;
    }

    @Test
    void aspectFitFollowsTheLongestEdgeAndRoundsUp() {
        // 37x23 scaled by 96/37: 96 x 59.68, rounded up to multiples of 32
        assertEquals(new ImageSize(96, 64), AspectFit.preservedRatio(new ImageSize(37, 23), 32, 0, 0, 96));
        assertEquals(new ImageSize(96, 32), AspectFit.preservedRatio(new ImageSize(300, 20), 32, 0, 0, 96));
        // SmolVLM's real settings: 512 tiles, longest edge 2048. A 4:3 photo "should" give 2048x1536, but in
        // float 2048f / 4032 * 3024 is 1536.0001, which rounds up to 2048: llama.cpp gives this 4032x3024 photo
        // a 4x4 grid (the last row black padding), checked with the same expression compiled by g++. Kept, for
        // parity with llama.cpp's tokens.
        assertEquals(new ImageSize(2048, 2048), AspectFit.preservedRatio(new ImageSize(4032, 3024), 512, 0, 0, 2048));
        assertEquals(new ImageSize(2048, 1536), AspectFit.preservedRatio(new ImageSize(2048, 1536), 512, 0, 0, 2048));
    }

    @Test
    void aspectFitWithoutLongestEdgeRoundsToNearest() {
        assertEquals(new ImageSize(96, 64), AspectFit.preservedRatio(new ImageSize(100, 61), 32, 0, 0, 0));
        assertEquals(new ImageSize(32, 32), AspectFit.preservedRatio(new ImageSize(5, 3), 32, 0, 0, 0));
    }

    /** Worked by hand from calc_size_preserved_ratio: the pixel caps scale by sqrt and round down (max) or up (min). */
    @Test
    void aspectFitPixelCaps() {
        // 992x512 > 10240: beta = sqrt(500000 / 10240) = 6.98771; 500 / beta = 71.55 -> 64, 1000 / beta = 143.1 -> 128
        assertEquals(new ImageSize(128, 64), AspectFit.preservedRatio(new ImageSize(1000, 500), 32, 0, 10240, 0));
        // 16x16 < 1024: beta = sqrt(1024 / 100) = 3.2; 10 * 3.2 = 32 -> 32
        assertEquals(new ImageSize(32, 32), AspectFit.preservedRatio(new ImageSize(10, 10), 16, 1024, 0, 0));
    }

    @Test
    void resizeToTheSameSizeCopies() {
        Picture p = random(7, 5, 1);
        for (ResizeAlgorithm a : ResizeAlgorithm.values()) {
            for (PadStyle pad : PadStyle.values()) {
                assertArrayEquals(p.rgb(), Resize.resize(p, p.size(), a, pad, 0x123456).rgb());
            }
        }
    }

    /** Through the kernels themselves (as padding calls them): same size is the identity for both. */
    @Test
    void kernelsAreTheIdentityAtTheSameSize() {
        Picture p = random(9, 4, 2);
        assertArrayEquals(p.rgb(), ResizeKernels.bilinear(p, 9, 4).rgb());
        assertArrayEquals(p.rgb(), ResizeKernels.bicubic(p, 9, 4).rgb());
    }

    @Test
    void flatColourStaysFlat() {
        Picture p = Picture.blank(13, 11);
        for (int i = 0; i < p.rgb().length; i += 3) {
            p.rgb()[i] = (byte) 200;
            p.rgb()[i + 1] = 17;
            p.rgb()[i + 2] = (byte) 255;
        }
        for (ResizeAlgorithm a : ResizeAlgorithm.values()) {
            Picture out = Resize.resize(p, new ImageSize(29, 5), a, PadStyle.NONE, 0);
            for (int i = 0; i < out.rgb().length; i += 3) {
                assertEquals(200, out.rgb()[i] & 0xFF, a.name());
                assertEquals(17, out.rgb()[i + 1] & 0xFF, a.name());
                assertEquals(255, out.rgb()[i + 2] & 0xFF, a.name());
            }
        }
    }

    /** A wide image on a square: scaled to fit, centred, the bars in the pad colour. */
    @Test
    void paddingCentresOnThePadColour() {
        Picture wide = Picture.blank(40, 10);
        java.util.Arrays.fill(wide.rgb(), (byte) 255);
        Picture out = Resize.resize(wide, new ImageSize(20, 20), ResizeAlgorithm.BILINEAR, PadStyle.CEIL, 0x102030);
        // 40x10 -> 20x5, offset (20 - 5) / 2 = 7 rows of pad above
        for (int y = 0; y < 20; y++) {
            boolean inside = y >= 7 && y < 12;
            assertEquals(inside ? 255 : 0x10, out.sample(3, y, 0), "row " + y);
            assertEquals(inside ? 255 : 0x30, out.sample(3, y, 2), "row " + y);
        }
    }

    @Test
    void cropChecksItsBounds() {
        Picture p = random(8, 6, 3);
        Picture c = Resize.crop(p, 2, 1, 5, 4);
        assertEquals(p.sample(2, 1, 0), c.sample(0, 0, 0));
        assertEquals(p.sample(6, 4, 2), c.sample(4, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> Resize.crop(p, 4, 0, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> Resize.crop(p, -1, 0, 1, 1));
    }

    /** planar() uses a 256-entry table per channel; it must equal apply() on every sample, in CHW order. */
    @Test
    void planarNormalisationEqualsTheScalarFormula() {
        Picture p = random(17, 9, 4);
        Normalization n = new Normalization(new float[] {0.1f, 0.7f, 0.33f}, new float[] {0.9f, 0.2f, 1.7f});
        PixelValues v = n.planar(p);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 9; y++) {
                for (int x = 0; x < 17; x++) {
                    float expected = ((p.sample(x, y, c) / 255.0f) - n.mean()[c]) / n.std()[c];
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(v.chw()[(c * 9 + y) * 17 + x]));
                    assertEquals(expected, v.value(c, x, y));
                }
            }
        }
    }

    /** Tile (row, col) is the refined image's square at (col, row) times the tile size. */
    @Test
    void idefics3TilesAreInRowMajorOrder() {
        Picture p = random(300, 200, 5);
        Idefics3Preprocessor pre = new Idefics3Preprocessor(32, 96, Normalization.HALF);
        // scale min(96 / 300, 96 / 200) = 0.32: 96 x 64, already multiples of 32
        assertEquals(new ImageSize(96, 64), pre.refinedSize(p.size()));
        ImageSlices s = pre.slice(p);
        assertEquals(3, s.gridX());
        assertEquals(2, s.gridY());
        Picture refined = Resize.resize(p, new ImageSize(96, 64), ResizeAlgorithm.BICUBIC, PadStyle.CEIL, 0);
        for (int row = 0; row < 2; row++) {
            for (int col = 0; col < 3; col++) {
                assertArrayEquals(Resize.crop(refined, col * 32, row * 32, 32, 32).rgb(), s.tiles().get(row * 3 + col).rgb());
            }
        }
        TiledPixels t = pre.preprocess(p);
        assertEquals(6, t.tiles().size());
        assertEquals(32, t.overview().width());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[] {0, 0, 0}, new float[] {1, 0, 1}));
        assertThrows(IllegalArgumentException.class, () -> new Normalization(new float[] {0, 0}, new float[] {1, 1, 1}));
        assertThrows(IllegalArgumentException.class, () -> FixedSizePreprocessor.gemma3(0, Normalization.HALF));
        assertThrows(IllegalArgumentException.class, () -> new Idefics3Preprocessor(32, -1, Normalization.HALF));
        assertThrows(IllegalArgumentException.class, () -> new Picture(2, 2, new byte[11]));
        assertThrows(IllegalArgumentException.class, () -> new PixelValues(2, 2, new float[11]));
    }
}
