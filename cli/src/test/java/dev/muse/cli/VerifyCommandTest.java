package dev.muse.cli;

import static dev.muse.cli.CliTest.muse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.engine.GgmlType;
import dev.muse.media.Picture;
import dev.muse.media.PngWriter;
import dev.muse.testkit.TinyPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** `muse verify` on what `muse draw` made (signed by the installation's credentials), a changed copy and a plain file. */
class VerifyCommandTest {
    @TempDir Path dir;

    @RegisterExtension final MuseHome home = new MuseHome();

    @Test
    void drawnPicturesCarryTrustedCredentialsThatAChangeBreaks() throws Exception {
        Path models = Files.createDirectories(home.resolve("models"));
        new TinyPipeline(GgmlType.F16, 1).write(models.resolve("tiny-sd"));
        Path fox = dir.resolve("fox.png"), redrawn = dir.resolve("redrawn.jpg");
        CliTest.Outcome drawn = muse("draw", "a red fox", "--size", "64x64", "--steps", "1", "--seed", "9", "-o", fox.toString());
        assertEquals(0, drawn.exitCode(), drawn.err());
        assertEquals(0, muse("draw", "a cat", "--image", fox.toString(), "--strength", "0.5", "--steps", "2", "-o", redrawn.toString()).exitCode());
        assertTrue(Files.isRegularFile(home.resolve("credentials/chain.pem")), "the installation made its credentials at first use");

        CliTest.Outcome ok = muse("verify", fox.toString(), redrawn.toString());
        assertEquals(0, ok.exitCode(), ok.out() + ok.err());
        assertTrue(ok.out().contains(fox + ": content credentials signed by Muse on "), ok.out());
        assertTrue(ok.out().contains("(trusted); made with AI"), ok.out());
        assertTrue(ok.out().contains("c2pa.created, source trainedAlgorithmicMedia, by Muse, model tiny-sd"), ok.out());
        assertTrue(ok.out().contains("c2pa.opened") && ok.out().contains("c2pa.edited, source trainedAlgorithmicMedia, by Muse, model tiny-sd"), ok.out());
        assertTrue(ok.out().contains("c2pa.watermarked, by Muse"), ok.out());
        // a random-weight pipeline draws noise, which hides the mark from the detector: the line says what the credentials record
        assertTrue(ok.out().matches("(?s).*fox.png.*image watermark: [^\n]*the credentials record[^\n]*\n.*redrawn.jpg.*"), ok.out());

        byte[] changed = Files.readAllBytes(fox);
        changed[changed.length - 20] ^= 1; // a byte of the pixels' compressed data
        Path tampered = Files.write(dir.resolve("tampered.png"), changed);
        CliTest.Outcome bad = muse("verify", tampered.toString());
        assertEquals(2, bad.exitCode(), bad.out());
        assertTrue(bad.out().contains("the file was changed after signing: the file's bytes are not the ones signed"), bad.out());

        Path plain = Files.write(dir.resolve("plain.png"), PngWriter.encode(Picture.blank(8, 8), java.util.Map.of()));
        CliTest.Outcome none = muse("verify", plain.toString());
        assertEquals(1, none.exitCode());
        assertEquals(plain + ": no content credentials\n  image watermark: none found\n", none.out());

        CliTest.Outcome root = muse("verify", "--root");
        assertEquals(0, root.exitCode());
        assertTrue(root.out().startsWith("-----BEGIN CERTIFICATE-----") && root.out().equals(root.out().strip() + "\n"), root.out());
        assertEquals(1, muse("verify", dir.resolve("missing.png").toString()).exitCode());
    }
}
