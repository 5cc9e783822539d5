package dev.muse.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Preprocessing against llama.cpp's own preprocessors (golden/preprocess, see its README). Every comparison
 * is exact: the kernels do the same float operations in the same order, and normalisation is one float
 * subtract and divide per value, so there is no summation order to differ.
 */
class PreprocessGoldenTest {
    private static final Pattern NAME = Pattern.compile(
            "(?<input>.+\\.(png|jpg))\\.(?<model>gemma3|idefics3)_s(?<size>\\d+)(_e(?<edge>\\d+))?(_(?<norm>half|clip))?\\.(?<kind>u8|f32)\\.gz");

    static Stream<String> goldenFiles() throws IOException {
        Path dir = Goldens.dir().resolve("preprocess");
        if (!Files.isDirectory(dir)) {
            fail("golden data missing: " + dir);
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.size() >= 30, "expected the full golden set, found " + names.size() + " files");
            return names.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("goldenFiles")
    void matchesLlamaCpp(String file) {
        Matcher m = NAME.matcher(file);
        assertTrue(m.matches(), "unexpected golden file name " + file);
        Goldens.Output expected = Goldens.output(file.substring(0, file.length() - 3));
        // the input as llama.cpp decoded it, so JPEG decoder differences stay out of this comparison
        Picture source = Goldens.decoded("decode", m.group("input"));
        int size = Integer.parseInt(m.group("size"));
        Normalization norm = "clip".equals(m.group("norm")) ? Normalization.CLIP : Normalization.HALF;
        boolean floats = m.group("kind").equals("f32");

        if (m.group("model").equals("gemma3")) {
            FixedSizePreprocessor gemma = FixedSizePreprocessor.gemma3(size, norm);
            assertEquals(0, expected.gridX());
            assertEquals(1, expected.entries().size());
            if (floats) {
                assertSameFloats(expected.entries().get(0), gemma.preprocess(source), file);
            } else {
                assertSamePicture(expected.entries().get(0), gemma.resize(source), file);
            }
            return;
        }
        Idefics3Preprocessor idefics = new Idefics3Preprocessor(size, Integer.parseInt(m.group("edge")), norm);
        assertEquals(expected.entries().size() - 1, expected.gridX() * expected.gridY(), file);
        if (floats) {
            TiledPixels actual = idefics.preprocess(source);
            assertEquals(expected.gridX(), actual.gridX(), file);
            assertEquals(expected.gridY(), actual.gridY(), file);
            assertSameFloats(expected.entries().get(0), actual.overview(), file + " overview");
            for (int i = 0; i < actual.tiles().size(); i++) {
                assertSameFloats(expected.entries().get(i + 1), actual.tiles().get(i), file + " tile " + i);
            }
        } else {
            ImageSlices actual = idefics.slice(source);
            assertEquals(expected.gridX(), actual.gridX(), file);
            assertEquals(expected.gridY(), actual.gridY(), file);
            assertSamePicture(expected.entries().get(0), actual.overview(), file + " overview");
            for (int i = 0; i < actual.tiles().size(); i++) {
                assertSamePicture(expected.entries().get(i + 1), actual.tiles().get(i), file + " tile " + i);
            }
        }
    }

    /** From the PNG file itself, through our decoder: the whole pipeline equals llama.cpp's. */
    @Test
    void pngFilesEndToEnd() {
        ImageDecoder decoder = new ImageDecoder();
        for (String input : new String[] {"rgba_100x61.png", "palette_45x30.png", "rgb16_300x20.png"}) {
            Picture decoded = decoder.decode(Goldens.input(input));
            Goldens.Output gemma = Goldens.output(input + ".gemma3_s32.u8");
            assertSamePicture(gemma.entries().get(0), FixedSizePreprocessor.gemma3(32, Normalization.HALF).resize(decoded), input);
            Goldens.Output idefics = Goldens.output(input + ".idefics3_s32_e96.u8");
            ImageSlices slices = new Idefics3Preprocessor(32, 96, Normalization.HALF).slice(decoded);
            assertSamePicture(idefics.entries().get(0), slices.overview(), input);
            for (int i = 0; i < slices.tiles().size(); i++) {
                assertSamePicture(idefics.entries().get(i + 1), slices.tiles().get(i), input + " tile " + i);
            }
        }
    }

    /** Every 8-bit value through every channel: llama.cpp's from_u8 + normalize, bit for bit. */
    @Test
    void normalisationMatchesLlamaCppForEveryValue() {
        for (String name : new String[] {"half", "clip"}) {
            float[] expected = Goldens.floats("normalize/" + name + ".f32");
            assertEquals(768, expected.length);
            Normalization norm = name.equals("half") ? Normalization.HALF : Normalization.CLIP;
            for (int v = 0; v < 256; v++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(Float.floatToRawIntBits(expected[v * 3 + c]), Float.floatToRawIntBits(norm.apply(v, c)),
                            name + " value " + v + " channel " + c);
                }
            }
        }
    }

    /** The overview is not a tile and the tiles really are slices of one refined image (sanity on the goldens). */
    @Test
    void idefics3GoldenShapes() {
        Goldens.Output out = Goldens.output("rgb_37x23.png.idefics3_s32_e96.u8");
        assertEquals(3, out.gridX()); // 37x23 -> longest edge 96 -> 96x60 -> rounded up to 96x64
        assertEquals(2, out.gridY());
        for (Goldens.Entry e : out.entries()) {
            assertEquals(32, e.width());
            assertEquals(32, e.height());
        }
        assertFalse(java.util.Arrays.equals(out.entries().get(0).u8(), out.entries().get(1).u8()));
    }

    private static void assertSamePicture(Goldens.Entry expected, Picture actual, String what) {
        assertEquals(expected.width() + "x" + expected.height(), actual.width() + "x" + actual.height(), what);
        assertArrayEquals(expected.u8(), actual.rgb(), what);
    }

    /** Golden floats are interleaved (llama.cpp's layout); ours are planar: compare every value's bits. */
    private static void assertSameFloats(Goldens.Entry expected, PixelValues actual, String what) {
        assertEquals(expected.width() + "x" + expected.height(), actual.width() + "x" + actual.height(), what);
        for (int y = 0; y < actual.height(); y++) {
            for (int x = 0; x < actual.width(); x++) {
                for (int c = 0; c < 3; c++) {
                    float want = expected.f32()[(y * actual.width() + x) * 3 + c];
                    float got = actual.value(c, x, y);
                    if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(got)) {
                        fail(what + ": pixel (" + x + "," + y + ") channel " + c + ": llama.cpp " + want + ", Muse " + got);
                    }
                }
            }
        }
    }
}
