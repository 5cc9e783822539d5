package dev.muse.models.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Ops;
import dev.muse.testkit.Nmse;
import dev.muse.testkit.TinyUNet;
import dev.muse.testkit.TinyUNet.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tiny random-weight UNets with SD 1.x's and SD 2.x's shape rules (F32 and F16 safetensors in the diffusers layout) against
 * diffusers v0.25.1 in PyTorch (golden/unet/README.md): one call each at timesteps 999 and 1 on 8x8 latents and at 500 on
 * non-square 8x12 latents, with 77 prompt states. The bar is NMSE 1e-4; both sides compute in float32 from the same
 * weights, so the bar here is 1e-9.
 */
class UNetGoldenTest {
    static final double TOLERANCE = 1e-9;

    @TempDir static Path dir;

    static Stream<TinyUNet> unets() {
        return Stream.of(Shape.SD1, Shape.SD2).flatMap(s -> Stream.of(GgmlType.F32, GgmlType.F16).map(t -> new TinyUNet(s, t, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unets")
    void predictsAsDiffusers(TinyUNet tiny) throws IOException {
        try (UNet unet = UNet.load(tiny.write(dir.resolve(tiny.name())), Ops.cpu())) {
            float[] context = context(77, TinyUNet.CONTEXT_DIM);
            for (int[] call : new int[][] {{8, 8, 999}, {8, 8, 1}, {8, 12, 500}}) {
                int h = call[0], w = call[1], t = call[2];
                float[] out = unet.predict(latents(h, w), h, w, t, context, 77);
                String name = tiny.name() + "-" + h + "x" + w + "-t" + t;
                float[] expected = VaeGoldenTest.channelsLast(golden(name), 4, h, w);
                double nmse = Nmse.of(expected, out);
                System.out.printf("%s: NMSE %.2e%n", name, nmse);
                assertTrue(nmse < TOLERANCE, name + ": NMSE " + nmse + " against diffusers, more than " + TOLERANCE);
            }
            assertThrows(IllegalArgumentException.class, () -> unet.predict(new float[6 * 6 * 4], 6, 6, 1, context, 77));
            assertThrows(IllegalArgumentException.class, () -> unet.predict(latents(8, 8), 8, 8, 1, context, 76));
        }
    }

    /**
     * SDXL's rules (no attention at the first level, 1, 2 and 3 transformer blocks below, 128-wide states of two
     * encoders, the "text_time" added embeddings of a 48-wide pooled embedding and six size-and-crop numbers) against
     * diffusers with the same added conditions.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(names = {"F32", "F16"})
    void anSdxlUnetPredictsAsDiffusers(GgmlType type) throws IOException {
        TinyUNet tiny = new TinyUNet(Shape.SDXL, type, 1);
        try (UNet unet = UNet.load(tiny.write(dir.resolve(tiny.name())), Ops.cpu())) {
            assertEquals(48, unet.config().textEmbedDim());
            float[] context = context(77, 128), textEmbeds = new float[48];
            for (int i = 0; i < 48; i++) textEmbeds[i] = (float) Math.cos(0.17 * i + 0.4);
            var added = new UNet.Added(textEmbeds, new float[] {64, 96, 0, 8, 64, 96});
            for (int[] call : new int[][] {{8, 8, 999}, {8, 12, 500}}) {
                int h = call[0], w = call[1], t = call[2];
                float[] out = unet.predict(latents(h, w), h, w, t, context, 77, added);
                String name = tiny.name() + "-" + h + "x" + w + "-t" + t;
                double nmse = Nmse.of(VaeGoldenTest.channelsLast(golden(name), 4, h, w), out);
                System.out.printf("%s: NMSE %.2e%n", name, nmse);
                assertTrue(nmse < TOLERANCE, name + ": NMSE " + nmse + " against diffusers, more than " + TOLERANCE);
            }
            assertThrows(IllegalArgumentException.class, () -> unet.predict(latents(8, 8), 8, 8, 1, context, 77), "an SDXL UNet needs its added conditions");
        }
    }

    /** The golden script's latents: 1.3 cos(0.3y + 0.5x + 0.9c + 0.2cy), channels-last. */
    static float[] latents(int h, int w) {
        float[] out = new float[h * w * 4];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 4; c++) out[(y * w + x) * 4 + c] = (float) (Math.cos(0.3 * y + 0.5 * x + 0.9 * c + 0.2 * c * y) * 1.3);
        return out;
    }

    /** The golden script's prompt states: sin(0.1t + 0.7d + 0.05td). */
    static float[] context(int tokens, int dim) {
        float[] out = new float[tokens * dim];
        for (int t = 0; t < tokens; t++) for (int d = 0; d < dim; d++) out[t * dim + d] = (float) Math.sin(0.1 * t + 0.7 * d + 0.05 * t * d);
        return out;
    }

    static float[] golden(String name) throws IOException {
        return VaeGoldenTest.goldenIn("unet", name);
    }
}
