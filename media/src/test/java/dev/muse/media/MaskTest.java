package dev.muse.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Inpainting masks: read by transparency (OpenAI) or by lightness (diffusers, AUTOMATIC1111), and resized as torch does. */
class MaskTest {
    @Test
    void anOpaqueMaskIsReadByLightness() {
        Picture p = Picture.blank(4, 1);
        int[][] colours = {{255, 255, 255}, {128, 128, 128}, {127, 127, 127}, {255, 0, 0}}; // red's luma is 76
        for (int x = 0; x < 4; x++) for (int c = 0; c < 3; c++) p.rgb()[3 * x + c] = (byte) colours[x][c];
        Mask m = new ImageDecoder().decodeMask(PngWriter.encode(p, Map.of()));
        assertArrayEquals(new boolean[] {true, true, false, false}, m.repaint());
        assertEquals(2, m.count());
        assertEquals(null, new ImageDecoder().decodeEditable(PngWriter.encode(p, Map.of())).transparent(), "an opaque picture is no mask of its own");
    }

    @Test
    void transparencyIsTheMaskWhereThereIsAny() throws IOException {
        BufferedImage rgba = new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB);
        int[] alpha = {0, 127, 128, 255, 255, 255};
        for (int i = 0; i < 6; i++) rgba.setRGB(i % 3, i / 3, alpha[i] << 24 | 0xFFFFFF); // white everywhere: only alpha decides
        byte[] png = png(rgba, "png");
        assertArrayEquals(new boolean[] {true, true, false, false, false, false}, new ImageDecoder().decodeEditable(png).transparent().repaint());
        assertArrayEquals(new boolean[] {true, true, false, false, false, false}, new ImageDecoder().decodeMask(png).repaint());

        BufferedImage opaque = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        opaque.setRGB(0, 0, 0xFFFFFFFF);
        opaque.setRGB(1, 0, 0xFF000000);
        byte[] solid = png(opaque, "png");
        assertEquals(null, new ImageDecoder().decodeEditable(solid).transparent(), "an alpha channel that is opaque everywhere is no mask");
        assertArrayEquals(new boolean[] {true, false}, new ImageDecoder().decodeMask(solid).repaint(), "then lightness decides");
    }

    @Test
    void resizingTakesTheNearestPixelAsTorchDoes() {
        boolean[] flags = new boolean[16];
        for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) flags[y * 4 + x] = x >= 2 && y < 2;
        Mask m = new Mask(4, 4, flags);
        assertArrayEquals(new boolean[] {false, true, false, false}, m.resized(2, 2).repaint());
        Mask up = m.resized(8, 8);
        assertTrue(up.at(4, 0) && up.at(7, 3) && !up.at(3, 0) && !up.at(4, 4));
        assertEquals(m, m.resized(4, 4));
        assertThrows(IllegalArgumentException.class, () -> new Mask(2, 2, new boolean[3]));
    }

    @Test
    void aDamagedMaskIsRefusedAsAnImageIs() {
        assertThrows(MediaException.class, () -> new ImageDecoder().decodeMask(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2}));
    }

    private static byte[] png(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }
}
