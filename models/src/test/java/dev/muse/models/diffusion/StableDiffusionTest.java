package dev.muse.models.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Ops;
import dev.muse.formats.FormatException;
import dev.muse.media.Picture;
import dev.muse.testkit.TinyPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole text-to-image pipeline on a tiny random-weight diffusers folder (its parts each have their golden test):
 * it draws pictures of the asked size, the same seed draws the same picture (to a rounding step, see below) and another
 * seed another, progress comes per step, and a folder or request that is not right is refused with a message that says why.
 */
class StableDiffusionTest {
    @TempDir static Path dir;
    static Path folder;

    @BeforeAll
    static void write() throws IOException {
        folder = new TinyPipeline(GgmlType.F32, 1).write(dir.resolve("tiny-sd"));
    }

    @Test
    void drawsTheSamePictureForTheSameSeed() throws IOException {
        try (StableDiffusion sd = StableDiffusion.load(folder, Ops.cpu())) {
            assertEquals(32, sd.sideMultiple());
            List<Integer> steps = new ArrayList<>();
            var request = new StableDiffusion.Request("a red fox in snow, watercolor", "blurry, bad quality", 64, 96, 2, 7.5, 42);
            Picture first = sd.generate(request, (step, preview) -> steps.add(step)).picture();
            assertEquals(List.of(1, 2), steps);
            assertEquals(64, first.width());
            assertEquals(96, first.height());
            // Not yet bit for bit: until the kernels are compiled, the Vector API sums a vector's lanes in another order, so a
            // run differs from a later one by a rounding step in a few pixels. A reduction-free GEMM for diffusion is next.
            assertTrue(levels(first.rgb(), sd.generate(request, (s, p) -> {}).picture().rgb()) <= 2, "same seed, the same picture to a rounding step");
            var otherSeed = new StableDiffusion.Request(request.prompt(), request.negativePrompt(), 64, 96, 2, 7.5, 43);
            assertTrue(levels(first.rgb(), sd.generate(otherSeed, (s, p) -> {}).picture().rgb()) > 20, "another seed, another picture");
            var otherPrompt = new StableDiffusion.Request("a cat on the moon", request.negativePrompt(), 64, 96, 2, 7.5, 42);
            assertTrue(levels(first.rgb(), sd.generate(otherPrompt, (s, p) -> {}).picture().rgb()) > 20, "another prompt, another picture");
            int distinct = (int) java.util.stream.IntStream.range(0, first.rgb().length).map(i -> first.rgb()[i]).distinct().count();
            assertTrue(distinct > 50, "a picture, not a flat fill: " + distinct + " distinct values");
        }
    }

    /** The largest difference between two pictures' values, in 8-bit levels. */
    static int levels(byte[] a, byte[] b) {
        int worst = 0;
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] & 0xFF) - (b[i] & 0xFF)));
        return worst;
    }

    @Test
    void withoutGuidanceOnePassPerStepAndLongPromptsAreCounted() throws IOException {
        try (StableDiffusion sd = StableDiffusion.load(folder, Ops.cpu())) {
            String longPrompt = "a photo of a dog, ".repeat(20);
            var result = sd.generate(new StableDiffusion.Request(longPrompt, null, 32, 32, 1, 0, 7), (s, p) -> {});
            assertEquals(32, result.picture().width());
            assertTrue(result.promptTokensLeftOut() > 0, "CLIP reads 75 tokens; the rest is counted");
        }
    }

    @Test
    void everySamplerDraws() throws IOException {
        try (StableDiffusion sd = StableDiffusion.load(folder, Ops.cpu())) {
            byte[] euler = null;
            for (Sampling.Sampler sampler : Sampling.Sampler.values()) {
                var request = new StableDiffusion.Request("a red fox in snow", "blurry", 32, 32, 3, 5, 11, sampler, null);
                byte[] a = sd.generate(request, (s, p) -> {}).picture().rgb(), b = sd.generate(request, (s, p) -> {}).picture().rgb();
                assertTrue(levels(a, b) <= 2, sampler + ": the same seed draws the same picture");
                if (euler == null) euler = a;
                else assertTrue(levels(euler, a) > 20, sampler + " draws another picture than Euler");
            }
            assertThrows(IllegalArgumentException.class,
                    () -> sd.generate(new StableDiffusion.Request("a fox", null, 32, 32, 1, 0, 1, Sampling.Sampler.DPMPP_2M_KARRAS, null), (s, p) -> {}));
        }
    }

    /**
     * A latent consistency model's pipeline (LCMScheduler, a UNet that embeds guidance) samples with LCM unless told
     * otherwise, one UNet call a step even with guidance; an ordinary pipeline with Euler.
     */
    @Test
    void latentConsistencyModelsSampleWithLcm() throws IOException {
        Path lcm = TinyPipeline.lcm(GgmlType.F32, 1).write(dir.resolve("tiny-lcm"));
        try (StableDiffusion sd = StableDiffusion.load(lcm, Ops.cpu()); StableDiffusion plain = StableDiffusion.load(folder, Ops.cpu())) {
            assertEquals(Sampling.Sampler.LCM, sd.sampler());
            assertEquals(Sampling.Sampler.EULER, plain.sampler());
            var request = new StableDiffusion.Request("a red fox", null, 32, 32, 2, 8, 5, Sampling.Sampler.LCM, null);
            byte[] a = sd.generate(request, (s, p) -> {}).picture().rgb(), b = sd.generate(request, (s, p) -> {}).picture().rgb();
            assertTrue(levels(a, b) <= 2, "the same seed draws the same picture");
            byte[] other = sd.generate(new StableDiffusion.Request("a red fox", null, 32, 32, 2, 1, 5, Sampling.Sampler.LCM, null), (s, p) -> {})
                    .picture().rgb();
            assertTrue(levels(a, other) > 2, "the guidance scale reaches the UNet as its embedding");
        }
    }

    @Test
    void badRequestsAreRefused() throws IOException {
        try (StableDiffusion sd = StableDiffusion.load(folder, Ops.cpu())) {
            for (int[] size : new int[][] {{33, 32}, {0, 32}, {32, 4096}}) {
                var bad = new StableDiffusion.Request("a fox", null, size[0], size[1], 1, 0, 1);
                assertTrue(assertThrows(IllegalArgumentException.class, () -> sd.generate(bad, (s, p) -> {})).getMessage().contains("multiples of 32"));
            }
            assertThrows(IllegalArgumentException.class, () -> sd.generate(new StableDiffusion.Request("a fox", null, 32, 32, 0, 0, 1), (s, p) -> {}));
            assertThrows(IllegalArgumentException.class, () -> sd.generate(new StableDiffusion.Request("a fox", null, 32, 32, 1, -1, 1), (s, p) -> {}));
        }
    }

    @Test
    void foldersThatAreNotPipelinesAreRefusedByName() throws IOException {
        Path broken = new TinyPipeline(GgmlType.F16, 1).write(dir.resolve("broken"));
        Files.delete(broken.resolve("unet/diffusion_pytorch_model.safetensors"));
        assertTrue(assertThrows(FormatException.class, () -> StableDiffusion.load(broken, Ops.cpu())).getMessage().contains("unet"));
        Files.writeString(broken.resolve("model_index.json"), "{\"_class_name\": \"StableDiffusion3Pipeline\"}");
        assertTrue(assertThrows(FormatException.class, () -> StableDiffusion.load(broken, Ops.cpu())).getMessage().contains("StableDiffusion3Pipeline"));
        Path halfXl = new TinyPipeline(GgmlType.F16, 1).write(dir.resolve("xl-without-its-second-encoder"));
        Files.writeString(halfXl.resolve("model_index.json"), "{\"_class_name\": \"StableDiffusionXLPipeline\"}");
        assertTrue(assertThrows(FormatException.class, () -> StableDiffusion.load(halfXl, Ops.cpu())).getMessage().contains("text_encoder_2"));
        Files.delete(broken.resolve("model_index.json"));
        assertFalse(StableDiffusion.isPipeline(broken));
        assertTrue(StableDiffusion.isPipeline(folder));
    }

    /** Previews: TAESD's when the pipeline has one inside (or beside) it, else the linear guess; both at the picture's size. */
    @Test
    void previewsComeFromTaesdWhenThereIsOne() throws IOException {
        Path withTaesd = new TinyPipeline(GgmlType.F32, 1).write(dir.resolve("with-taesd/tiny-sd"));
        dev.muse.testkit.TinyTaesd.sd(GgmlType.F32, 2).write(withTaesd.resolve("taesd"));
        var request = new StableDiffusion.Request("a red fox", null, 64, 32, 2, 0, 5);
        List<Picture> previews = new ArrayList<>();
        try (StableDiffusion sd = StableDiffusion.load(withTaesd, Ops.cpu()); StableDiffusion plain = StableDiffusion.load(folder, Ops.cpu())) {
            assertTrue(sd.previewsByTaesd());
            assertFalse(plain.previewsByTaesd());
            sd.generate(request, (step, preview) -> previews.add(preview.get()));
            plain.generate(request, (step, preview) -> previews.add(preview.get()));
        }
        assertEquals(4, previews.size());
        for (Picture p : previews) {
            assertEquals(64, p.width());
            assertEquals(32, p.height());
        }
        // the linear guess paints 8 x 8 squares; TAESD's picture has detail within them
        assertTrue(flatSquares(previews.get(2)) && !flatSquares(previews.get(0)));
    }

    /** Whether every 8 x 8 square of the picture is one colour. */
    static boolean flatSquares(Picture p) {
        for (int y = 0; y < p.height(); y++)
            for (int x = 0; x < p.width(); x++)
                for (int c = 0; c < 3; c++) if (p.sample(x, y, c) != p.sample(x / 8 * 8, y / 8 * 8, c)) return false;
        return true;
    }

    /** An inpainted picture keeps the original's pixels outside the mask, exactly, and changes inside it. */
    @Test
    void inpaintingKeepsThePixelsOutsideTheMask() throws IOException {
        try (StableDiffusion sd = StableDiffusion.load(folder, Ops.cpu())) {
            Picture original = sd.generate(new StableDiffusion.Request("a red fox", null, 64, 32, 2, 0, 5), (s, p) -> {}).picture();
            var edit = new StableDiffusion.Edit(original, LEFT_THIRD, 1);
            List<Integer> steps = new ArrayList<>();
            Picture painted = sd.generate(new StableDiffusion.Request("a cat on the moon", null, 64, 32, 4, 0, 6, Sampling.Sampler.EULER, edit),
                    (s, p) -> steps.add(s)).picture();
            assertEquals(List.of(1, 2, 3, 4), steps);
            assertRedrawnUnderTheMask(original, painted);
        }
    }

    /** A 64 x 32 mask over the 24 leftmost columns. */
    static final dev.muse.media.Mask LEFT_THIRD = leftColumns(64, 32, 24);

    static dev.muse.media.Mask leftColumns(int width, int height, int columns) {
        boolean[] left = new boolean[width * height];
        for (int i = 0; i < left.length; i++) left[i] = i % width < columns;
        return new dev.muse.media.Mask(width, height, left);
    }

    /** The pixels right of {@link #LEFT_THIRD} are the original's exactly; more than half the values under it changed. */
    static void assertRedrawnUnderTheMask(Picture original, Picture painted) {
        int changed = 0;
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 64; x++)
                for (int c = 0; c < 3; c++) {
                    if (x >= 24) assertEquals(original.sample(x, y, c), painted.sample(x, y, c), "kept pixel " + x + "," + y);
                    else if (original.sample(x, y, c) != painted.sample(x, y, c)) changed++;
                }
        assertTrue(changed > 24 * 32 * 3 / 2, changed + " of the masked values changed");
    }

    /** An inpainting model's pipeline (9-channel UNet) draws from a prompt alone, and inpaints keeping the pixels outside the mask. */
    @Test
    void anInpaintingModelDrawsAndInpaints() throws IOException {
        Path inpainting = new TinyPipeline(GgmlType.F32, 1).inpaintingModel().write(dir.resolve("tiny-sd-inpainting"));
        try (StableDiffusion sd = StableDiffusion.load(inpainting, Ops.cpu())) {
            assertTrue(sd.inpaintingModel());
            Picture drawn = sd.generate(new StableDiffusion.Request("a red fox", null, 64, 32, 2, 0, 5), (s, p) -> {}).picture();
            assertTrue(java.util.stream.IntStream.range(0, drawn.rgb().length).map(i -> drawn.rgb()[i]).distinct().count() > 20, "a picture");
            var edit = new StableDiffusion.Edit(drawn, LEFT_THIRD, 1);
            List<Integer> steps = new ArrayList<>();
            Picture painted = sd.generate(new StableDiffusion.Request("a cat", null, 64, 32, 3, 5, 6, Sampling.Sampler.EULER, edit), (s, p) -> steps.add(s)).picture();
            assertEquals(List.of(1, 2, 3), steps);
            assertRedrawnUnderTheMask(drawn, painted);
        }
        // a 9-channel UNet in a pipeline whose VAE has other latents is refused by name
        Path odd = new TinyPipeline(GgmlType.F32, 1).inpaintingModel().write(dir.resolve("odd"));
        new dev.muse.testkit.TinyUNet(dev.muse.testkit.TinyUNet.Shape.SD1, GgmlType.F32, 1, 7).write(odd.resolve("unet"));
        FormatException e = assertThrows(FormatException.class, () -> StableDiffusion.load(odd, Ops.cpu()));
        assertTrue(e.getMessage().contains("inpainting model's 9"), e.getMessage());
    }

    /**
     * An SDXL pipeline (two text encoders, the SDXL UNet with its added conditions; its parts golden on their own) draws,
     * with and without guidance, and another seed draws another picture.
     */
    @Test
    void anSdxlPipelineDraws() throws IOException {
        Path xl = TinyPipeline.sdxl(GgmlType.F32, 1).write(dir.resolve("tiny-sdxl"));
        try (StableDiffusion sd = StableDiffusion.load(xl, Ops.cpu())) {
            var request = new StableDiffusion.Request("a red fox in snow", null, 64, 32, 2, 5, 42);
            Picture a = sd.generate(request, (s, p) -> {}).picture();
            assertEquals(64, a.width());
            assertTrue(java.util.stream.IntStream.range(0, a.rgb().length).map(i -> a.rgb()[i]).distinct().count() > 20, "a picture");
            assertTrue(levels(a.rgb(), sd.generate(request.withSeed(43), (s, p) -> {}).picture().rgb()) > 20, "another seed, another picture");
            var unguided = new StableDiffusion.Request("a red fox in snow", null, 64, 32, 1, 0, 42);
            assertEquals(1, sd.generate(unguided, (s, p) -> {}).timings().stepNanos().length);
        }
        // an SDXL UNet in a pipeline of one text encoder is refused by name
        Path half = TinyPipeline.sdxl(GgmlType.F32, 1).write(dir.resolve("half-sdxl"));
        java.nio.file.Files.writeString(half.resolve("model_index.json"), java.nio.file.Files.readString(half.resolve("model_index.json"))
                .replace("StableDiffusionXLPipeline", "StableDiffusionPipeline"));
        FormatException e = assertThrows(FormatException.class, () -> StableDiffusion.load(half, Ops.cpu()));
        assertTrue(e.getMessage().contains("attends to 128-wide states"), e.getMessage());
    }
}
