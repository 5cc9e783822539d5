package dev.muse.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** JPEG files of drawn pictures: they decode to the picture (within JPEG's loss) and keep the parameters as a comment. */
class JpegWriterTest {
    @Test
    void aPictureComesBackCloseAndKeepsItsComment() {
        Picture p = Picture.blank(48, 32);
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 48; x++) {
                p.rgb()[(y * 48 + x) * 3] = (byte) (x * 5);
                p.rgb()[(y * 48 + x) * 3 + 1] = (byte) (y * 7);
                p.rgb()[(y * 48 + x) * 3 + 2] = (byte) 128;
            }
        byte[] jpeg = JpegWriter.encode(p, 95, "a red fox\nSteps: 2, Seed: 7");
        assertEquals(0xFF, jpeg[0] & 0xFF);
        assertEquals(0xD8, jpeg[1] & 0xFF);
        assertTrue(new String(jpeg, StandardCharsets.ISO_8859_1).contains("a red fox\nSteps: 2, Seed: 7"), "the comment is in the file");
        Picture back = new ImageDecoder().decode(jpeg);
        assertEquals(48, back.width());
        assertEquals(32, back.height());
        double error = 0;
        for (int i = 0; i < p.rgb().length; i++) error += Math.abs((p.rgb()[i] & 0xFF) - (back.rgb()[i] & 0xFF));
        assertTrue(error / p.rgb().length < 4, "mean error " + error / p.rgb().length + " levels at quality 95");
        assertTrue(JpegWriter.encode(p, 10, null).length < jpeg.length, "a lower quality makes a smaller file");
        assertThrows(IllegalArgumentException.class, () -> JpegWriter.encode(p, 101, null));
    }
}
