package dev.muse.models.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Ops;
import dev.muse.testkit.Nmse;
import dev.muse.testkit.TinyVae;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A tiny random-weight AutoencoderKL with SD's shape rules (four levels, 8x; F32 and F16 safetensors in the diffusers
 * layout) against diffusers v0.25.1 in PyTorch (golden/vae/README.md): decodes of two latents (8x8 and a non-square
 * 6x10) and encodes (the latent mean) of a smooth test pattern at 64x64 and 48x80. The bar is NMSE 1e-4; both
 * sides compute in float32 from the same weights and agree to 1-2e-12, so the bar here is 1e-9.
 */
class VaeGoldenTest {
    static final double TOLERANCE = 1e-9;

    @TempDir static Path dir;

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16"})
    void decodesAndEncodesAsDiffusers(GgmlType type) throws IOException {
        TinyVae tiny = TinyVae.sd(type, 1);
        try (Vae vae = Vae.load(tiny.write(dir.resolve(tiny.name())), Ops.cpu())) {
            assertEquals(8, vae.config().factor());
            for (int[] hw : type == GgmlType.F32 ? new int[][] {{8, 8}, {6, 10}} : new int[][] {{8, 8}}) {
                int h = hw[0], w = hw[1];
                float[] latents = channelsLast(golden("latents-" + h + "x" + w), 4, h, w);
                float[] image = vae.decode(latents, h, w);
                assertClose(tiny.name() + " decode " + h + "x" + w, channelsLast(golden(tiny.name() + "-decode-" + h + "x" + w), 3, 8 * h, 8 * w), image);
            }
            for (int[] hw : new int[][] {{64, 64}, {48, 80}}) {
                int h = hw[0], w = hw[1];
                float[] mean = vae.encode(pattern(h, w), h, w).mean();
                assertClose(tiny.name() + " encode " + h + "x" + w, channelsLast(golden(tiny.name() + "-encode-" + h + "x" + w), 4, h / 8, w / 8), mean);
            }
        }
    }

    /** latent_dist.sample(generator): mean + std x the generator's noise (golden/edit/README.md). */
    @Test
    void samplesThePosteriorAsDiffusers() throws IOException {
        TinyVae tiny = TinyVae.sd(GgmlType.F32, 1);
        try (Vae vae = Vae.load(tiny.write(dir.resolve("posterior")), Ops.cpu())) {
            float[] noise = channelsLast(goldenIn("edit", "posterior-noise-8x8"), 4, 8, 8);
            float[] sample = vae.encode(pattern(64, 64), 64, 64).sample(noise);
            assertClose("posterior sample", channelsLast(goldenIn("edit", "vae-sd-f32-sample-64x64"), 4, 8, 8), sample);
        }
    }

    @Test
    void badSizesAreRefused() throws IOException {
        TinyVae tiny = TinyVae.sd(GgmlType.F32, 1);
        try (Vae vae = Vae.load(tiny.write(dir.resolve("refusals")), Ops.cpu())) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> vae.decode(new float[10], 2, 2));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> vae.encode(new float[3 * 60 * 60], 60, 60));
        }
    }

    /** The golden script's test image: sin(0.37y + 0.23x + 1.1c) cos(0.011xy + c), channels-last. */
    static float[] pattern(int h, int w) {
        float[] out = new float[h * w * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++) out[(y * w + x) * 3 + c] = (float) (Math.sin(0.37 * y + 0.23 * x + 1.1 * c) * Math.cos(0.011 * x * y + c));
        return out;
    }

    /** PyTorch's [channels][h][w] as [h][w][channels]. */
    static float[] channelsLast(float[] chw, int channels, int h, int w) {
        assertEquals(channels * h * w, chw.length, "golden size");
        float[] out = new float[chw.length];
        for (int c = 0; c < channels; c++) for (int p = 0; p < h * w; p++) out[p * channels + c] = chw[c * h * w + p];
        return out;
    }

    static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        double nmse = Nmse.of(expected, actual);
        System.out.printf("%s: NMSE %.2e%n", what, nmse);
        assertTrue(nmse < TOLERANCE, what + ": NMSE " + nmse + " against diffusers, more than " + TOLERANCE);
    }

    static float[] golden(String name) throws IOException {
        return goldenIn("vae", name);
    }

    /** Raw little-endian floats from golden/{folder}/{name}.f32; a missing file fails the test. */
    static float[] goldenIn(String folder, String name) throws IOException {
        String path = "/golden/" + folder + "/" + name + ".f32";
        try (InputStream in = VaeGoldenTest.class.getResourceAsStream(path)) {
            if (in == null) fail("missing golden " + path + " (golden/" + folder + "/README.md says how it is made)");
            ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[bytes.remaining() / 4];
            bytes.asFloatBuffer().get(out);
            return out;
        }
    }
}
