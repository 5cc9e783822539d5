package dev.muse.cli;

import static dev.muse.cli.CliTest.muse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.engine.GgmlType;
import dev.muse.media.ImageDecoder;
import dev.muse.media.Picture;
import dev.muse.media.PngWriter;
import dev.muse.testkit.TinyPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** `muse draw` in process on a tiny random-weight diffusers folder: the PNG files, their parameters, the refusals. */
class DrawCommandTest {
    @TempDir Path dir;

    @RegisterExtension final MuseHome home = new MuseHome();

    @Test
    void drawsPngFilesThatKeepTheirParameters() throws IOException {
        CliTest.Outcome none = muse("draw", "a red fox");
        assertEquals(1, none.exitCode());
        assertTrue(none.err().contains("no image model in"), none.err());

        Path models = Files.createDirectories(home.resolve("models"));
        new TinyPipeline(GgmlType.F16, 1).write(models.resolve("tiny-sd"));
        Path out = dir.resolve("fox.png");
        CliTest.Outcome draw = muse("draw", "a red fox in snow, watercolor", "--negative", "blurry", "--size", "96x64", "--steps", "2",
                "--seed", "42", "-o", out.toString());
        assertEquals(0, draw.exitCode(), draw.err());
        assertTrue(draw.err().contains("wrote " + out + " (seed 42)"), draw.err());
        assertTrue(draw.err().contains("1 picture, 2 steps"), draw.err());
        byte[] png = Files.readAllBytes(out);
        Picture picture = new ImageDecoder().decode(png);
        assertEquals(96, picture.width());
        assertEquals(64, picture.height());
        assertEquals("a red fox in snow, watercolor\nNegative prompt: blurry\nSteps: 2, Sampler: Euler, CFG scale: 7.5, Seed: 42, Size: 96x64, "
                + "Model: tiny-sd, Version: Muse", PngWriter.text(png).get("parameters"));

        CliTest.Outcome two = muse("draw", "a cat on the moon", "-m", models.resolve("tiny-sd").toString(), "--size", "64x64", "--steps", "1",
                "-g", "0", "--seed", "7", "-n", "2", "-o", dir.resolve("cat.png").toString());
        assertEquals(0, two.exitCode(), two.err());
        assertTrue(Files.isRegularFile(dir.resolve("cat-1.png")) && Files.isRegularFile(dir.resolve("cat-2.png")), two.err());
        assertTrue(PngWriter.text(Files.readAllBytes(dir.resolve("cat-2.png"))).get("parameters").contains("Seed: 8"));

        // the fox redrawn: img2img at the picture's own size, then inpainting its top half
        CliTest.Outcome redraw = muse("draw", "a cat on the moon", "--image", out.toString(), "--strength", "0.5", "--steps", "4", "--seed", "3",
                "-o", dir.resolve("redrawn.png").toString());
        assertEquals(0, redraw.exitCode(), redraw.err());
        byte[] redrawn = Files.readAllBytes(dir.resolve("redrawn.png"));
        assertEquals(96, new ImageDecoder().decode(redrawn).width(), "the image's own size");
        assertTrue(PngWriter.text(redrawn).get("parameters").contains("Steps: 4, Sampler: Euler, CFG scale: 7.5, Seed: 3, Size: 96x64, Model: tiny-sd, "
                + "Denoising strength: 0.5, Version: Muse"), PngWriter.text(redrawn).get("parameters"));
        Picture top = Picture.blank(96, 64);
        java.util.Arrays.fill(top.rgb(), 0, 96 * 32 * 3, (byte) 255);
        Files.write(dir.resolve("mask.png"), PngWriter.encode(top, java.util.Map.of()));
        CliTest.Outcome inpaint = muse("draw", "a cat", "--image", out.toString(), "--mask", dir.resolve("mask.png").toString(), "--steps", "2",
                "-o", dir.resolve("inpainted.png").toString());
        assertEquals(0, inpaint.exitCode(), inpaint.err());
        assertTrue(PngWriter.text(Files.readAllBytes(dir.resolve("inpainted.png"))).get("parameters").contains("Denoising strength: 1.0, Mask: yes"));
        CliTest.Outcome jpeg = muse("draw", "a cat", "--steps", "1", "--size", "32x32", "-o", dir.resolve("cat.jpg").toString());
        assertEquals(0, jpeg.exitCode(), jpeg.err());
        byte[] jpegBytes = Files.readAllBytes(dir.resolve("cat.jpg"));
        assertEquals(0xFFD8, (jpegBytes[0] & 0xFF) << 8 | (jpegBytes[1] & 0xFF), "a .jpg file is a JPEG");
        assertEquals(0, muse("draw", "a cat", "--steps", "1", "--size", "32x32", "-o", dir.resolve("cat.webp").toString()).exitCode());
        assertEquals(32, new ImageDecoder().decode(Files.readAllBytes(dir.resolve("cat.webp"))).width(), "a .webp file is a WebP");
        Path preview = dir.resolve("forming.png");
        CliTest.Outcome previewed = muse("draw", "a cat", "--steps", "3", "--size", "64x32", "--preview", preview.toString(), "-o", dir.resolve("cat3.png").toString());
        assertEquals(0, previewed.exitCode(), previewed.err());
        assertEquals(64, new ImageDecoder().decode(Files.readAllBytes(preview)).width(), "the last preview is left in place");
        assertFalse(Files.exists(dir.resolve("forming.png.part")));
        CliTest.Outcome maskAlone = muse("draw", "a cat", "--mask", dir.resolve("mask.png").toString());
        assertTrue(maskAlone.err().contains("--mask and --strength edit an --image"), maskAlone.err());
        CliTest.Outcome missing = muse("draw", "a cat", "--image", dir.resolve("none.png").toString());
        assertTrue(missing.err().contains("no such image file"), missing.err());

        CliTest.Outcome badSize = muse("draw", "a fox", "--size", "100x64");
        assertEquals(1, badSize.exitCode());
        assertTrue(badSize.err().contains("multiples of 32"), badSize.err());
        CliTest.Outcome notASize = muse("draw", "a fox", "--size", "big");
        assertTrue(notASize.err().contains("a size is WIDTHxHEIGHT in pixels"), notASize.err());
        CliTest.Outcome unknown = muse("draw", "a fox", "-m", "nope");
        assertTrue(unknown.err().contains("no image model nope"), unknown.err());
    }

    /** --safety on needs the image classifier in the model cache and says how to get it; with it, pictures are screened. */
    @Test
    void safetyOnScreensWithTheImageClassifier() throws IOException {
        Path models = Files.createDirectories(home.resolve("models"));
        new TinyPipeline(GgmlType.F16, 1).write(models.resolve("tiny-sd"));
        CliTest.Outcome refused = muse("draw", "a fox", "--safety", "on", "--steps", "1", "--size", "32x32", "-o", dir.resolve("a.png").toString());
        assertEquals(1, refused.exitCode());
        assertTrue(refused.err().contains("muse pull nsfw-mobilenet-v2"), refused.err());
        dev.muse.testkit.NsfwReference.install(models);
        CliTest.Outcome screened = muse("draw", "a fox", "--safety", "on", "--steps", "1", "--size", "32x32", "-o", dir.resolve("b.png").toString());
        assertEquals(0, screened.exitCode(), screened.err());
        assertTrue(Files.isRegularFile(dir.resolve("b.png")));
        assertTrue(muse("draw", "a fox", "--safety", "maybe").err().contains("--safety is auto, on or off"));
    }
}
