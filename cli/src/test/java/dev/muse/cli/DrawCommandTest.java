package dev.muse.cli;

import static dev.muse.cli.CliTest.muse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.engine.GgmlType;
import dev.muse.media.ImageDecoder;
import dev.muse.media.Picture;
import dev.muse.media.PngWriter;
import dev.muse.testkit.TinyPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `muse draw` in process on a tiny random-weight diffusers folder: the PNG files, their parameters, the refusals. */
class DrawCommandTest {
    @TempDir Path dir;

    @BeforeEach
    void home() {
        System.setProperty("muse.home", dir.resolve("home").toString());
    }

    @AfterEach
    void restore() {
        System.clearProperty("muse.home");
    }

    @Test
    void drawsPngFilesThatKeepTheirParameters() throws IOException {
        CliTest.Outcome none = muse("draw", "a red fox");
        assertEquals(1, none.exitCode());
        assertTrue(none.err().contains("no image model in"), none.err());

        Path models = Files.createDirectories(dir.resolve("home/models"));
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

        CliTest.Outcome badSize = muse("draw", "a fox", "--size", "100x64");
        assertEquals(1, badSize.exitCode());
        assertTrue(badSize.err().contains("multiples of 32"), badSize.err());
        CliTest.Outcome notASize = muse("draw", "a fox", "--size", "big");
        assertTrue(notASize.err().contains("a size is WIDTHxHEIGHT in pixels"), notASize.err());
        CliTest.Outcome unknown = muse("draw", "a fox", "-m", "nope");
        assertTrue(unknown.err().contains("no image model nope"), unknown.err());
    }
}
