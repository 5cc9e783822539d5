package dev.muse.media;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The golden files under src/test/resources/golden (see the README there): inputs, and what llama.cpp made
 * of them. A missing file fails the test that needs it; golden tests never skip.
 */
final class Goldens {
    private Goldens() {
    }

    static Path dir() {
        URL readme = Goldens.class.getResource("/golden/README.md");
        if (readme == null) {
            fail("golden data missing: media/src/test/resources/golden/README.md is not on the test class path");
        }
        try {
            return Path.of(readme.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bytes of a golden file; {@code .gz} files are unpacked. */
    static byte[] bytes(String relative) {
        Path file = dir().resolve(relative);
        if (!Files.isRegularFile(file)) {
            fail("golden file missing: " + file);
        }
        try {
            byte[] raw = Files.readAllBytes(file);
            if (!relative.endsWith(".gz")) {
                return raw;
            }
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read golden file " + file, e);
        }
    }

    static byte[] input(String name) {
        return bytes("inputs/" + name);
    }

    /** llama.cpp's decode of an input: int32 width, int32 height (little-endian), then RGB bytes. */
    static Picture decoded(String folder, String name) {
        ByteBuffer in = ByteBuffer.wrap(bytes(folder + "/" + name + ".rgb.gz")).order(ByteOrder.LITTLE_ENDIAN);
        int w = in.getInt(), h = in.getInt();
        byte[] rgb = new byte[w * h * 3];
        in.get(rgb);
        return new Picture(w, h, rgb);
    }

    /** A preprocessor's output: grid, then each image (overview first), as 8-bit or float, interleaved RGB. */
    record Output(int gridX, int gridY, List<Entry> entries) {
    }

    record Entry(int width, int height, byte[] u8, float[] f32) {
        Picture picture() {
            return new Picture(width, height, u8);
        }
    }

    static Output output(String name) {
        boolean floats = name.endsWith(".f32");
        ByteBuffer in = ByteBuffer.wrap(bytes("preprocess/" + name + ".gz")).order(ByteOrder.LITTLE_ENDIAN);
        int gridX = in.getInt(), gridY = in.getInt(), count = in.getInt();
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int w = in.getInt(), h = in.getInt();
            if (floats) {
                float[] values = new float[w * h * 3];
                in.asFloatBuffer().get(values);
                in.position(in.position() + values.length * 4);
                entries.add(new Entry(w, h, null, values));
            } else {
                byte[] values = new byte[w * h * 3];
                in.get(values);
                entries.add(new Entry(w, h, values, null));
            }
        }
        if (in.hasRemaining()) {
            fail("golden file " + name + " has " + in.remaining() + " unread bytes");
        }
        return new Output(gridX, gridY, entries);
    }

    static float[] floats(String relative) {
        ByteBuffer in = ByteBuffer.wrap(bytes(relative)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[in.remaining() / 4];
        in.asFloatBuffer().get(values);
        return values;
    }
}
