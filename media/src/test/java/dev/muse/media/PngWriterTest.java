package dev.muse.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A picture written as PNG reads back pixel for pixel, with its text in tEXt (Latin-1) or iTXt (anything else). */
class PngWriterTest {
    @Test
    void picturesAndTheirParametersRoundTrip() {
        byte[] rgb = new byte[5 * 3 * 3];
        for (int i = 0; i < rgb.length; i++) rgb[i] = (byte) (i * 37);
        Picture picture = new Picture(5, 3, rgb);
        Map<String, String> text = Map.of("parameters", "a red fox in snow, watercolor\nSteps: 4, Seed: 42", "Comment", "東京の夜景 🦊");
        byte[] png = PngWriter.encode(picture, text);
        assertEquals(ImageFormat.PNG, ImageFormat.detect(png));
        Picture back = new ImageDecoder().decode(png);
        assertEquals(5, back.width());
        assertArrayEquals(rgb, back.rgb());
        assertEquals(text, PngWriter.text(png));
        String chunks = new String(png, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(true, chunks.contains("tEXtparameters"), "Latin-1 text as tEXt");
        assertEquals(true, chunks.contains("iTXtComment"), "other text as iTXt");
    }
}
