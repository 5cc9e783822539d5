package dev.muse.models.diffusion;

import static dev.muse.models.diffusion.VaeGoldenTest.assertClose;
import static dev.muse.models.diffusion.VaeGoldenTest.channelsLast;
import static dev.muse.models.diffusion.VaeGoldenTest.goldenIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Ops;
import dev.muse.formats.FormatException;
import dev.muse.testkit.TinyTaesd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** TAESD's decoder against diffusers' AutoencoderTiny on random weights of TAESD's shape rules (golden/taesd/README.md). */
class TaesdGoldenTest {
    @TempDir static Path dir;

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16"})
    void decodesAsDiffusers(GgmlType type) throws IOException {
        try (Taesd taesd = Taesd.load(TinyTaesd.sd(type, 1).write(dir.resolve("taesd-" + type)), Ops.cpu())) {
            assertEquals(8, taesd.factor());
            for (int[] hw : new int[][] {{8, 8}, {6, 10}}) {
                int h = hw[0], w = hw[1];
                float[] pixels = taesd.decode(channelsLast(goldenIn("taesd", "latents-" + h + "x" + w), 4, h, w), h, w);
                String name = "taesd-" + type.name().toLowerCase() + "-decode-" + h + "x" + w;
                assertClose(name, channelsLast(goldenIn("taesd", name), 3, 8 * h, 8 * w), pixels);
            }
        }
    }

    @Test
    void aFolderThatIsNotTaesdIsRefused() throws IOException {
        Path folder = TinyTaesd.sd(GgmlType.F32, 1).write(dir.resolve("refused"));
        assertThrows(IllegalArgumentException.class, () -> {
            try (Taesd t = Taesd.load(folder, Ops.cpu())) {
                t.decode(new float[10], 2, 2);
            }
        });
        Files.writeString(folder.resolve("config.json"), Files.readString(folder.resolve("config.json")).replace("\"relu\"", "\"silu\""));
        FormatException e = assertThrows(FormatException.class, () -> Taesd.load(folder, Ops.cpu()));
        assertTrue(e.getMessage().contains("relu"), e.getMessage());
    }
}
