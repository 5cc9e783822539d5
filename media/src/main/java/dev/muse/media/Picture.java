package dev.muse.media;

/**
 * A decoded image: 8-bit RGB, interleaved ({@code r, g, b} per pixel), rows top to bottom, already turned
 * upright. This is the layout llama.cpp's {@code clip_image_u8} holds, so preprocessing can follow it exactly.
 *
 * <p>The array is not copied (images are large); treat a picture as immutable once made.
 *
 * @param width  pixels per row, at least 1
 * @param height rows, at least 1
 * @param rgb    {@code width * height * 3} bytes, pixel {@code (x, y)} channel {@code c} at {@code (y * width + x) * 3 + c}
 */
public record Picture(int width, int height, byte[] rgb) {
    public Picture {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("a picture needs at least one pixel, got " + width + "x" + height);
        }
        long expected = (long) width * height * 3;
        if (rgb == null || rgb.length != expected) {
            throw new IllegalArgumentException("a " + width + "x" + height + " RGB picture needs " + expected
                    + " bytes, got " + (rgb == null ? "none" : rgb.length));
        }
    }

    /** A black picture of the given size. */
    public static Picture blank(int width, int height) {
        return new Picture(width, height, new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)]);
    }

    public ImageSize size() {
        return new ImageSize(width, height);
    }

    /** Channel {@code c} (0 red, 1 green, 2 blue) of pixel {@code (x, y)}, as 0..255. */
    public int sample(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }
}
