package dev.muse.media;

/**
 * Which pixels of a picture an edit may repaint ({@code true}) and which it must keep, one flag per pixel, rows top to
 * bottom. Inpainting tools read a mask two ways, and {@link ImageDecoder#decodeMask} takes both: OpenAI's image edits
 * repaint where the mask is transparent; diffusers and AUTOMATIC1111 repaint where an opaque mask is light.
 *
 * @param repaint {@code width * height} flags, pixel {@code (x, y)} at {@code y * width + x}
 */
public record Mask(int width, int height, boolean[] repaint) {
    public Mask {
        if (width < 1 || height < 1) throw new IllegalArgumentException("a mask needs at least one pixel, got " + width + "x" + height);
        if (repaint == null || repaint.length != (long) width * height)
            throw new IllegalArgumentException("a " + width + "x" + height + " mask needs " + (long) width * height + " flags");
    }

    /** An opaque mask picture: pixels at least half-way to white (luma 128 of 255) are repainted. */
    public static Mask fromLightness(Picture picture) {
        boolean[] flags = new boolean[picture.width() * picture.height()];
        byte[] rgb = picture.rgb();
        for (int i = 0; i < flags.length; i++) {
            // ITU-R 601 luma, as PIL's convert("L") that diffusers' mask processor uses
            int luma = (299 * (rgb[3 * i] & 0xFF) + 587 * (rgb[3 * i + 1] & 0xFF) + 114 * (rgb[3 * i + 2] & 0xFF)) / 1000;
            flags[i] = luma >= 128;
        }
        return new Mask(picture.width(), picture.height(), flags);
    }

    /** How many pixels are repainted. */
    public int count() {
        int n = 0;
        for (boolean b : repaint) if (b) n++;
        return n;
    }

    /** The flag at (x, y). */
    public boolean at(int x, int y) {
        return repaint[y * width + x];
    }

    /** This mask at another size, each new pixel taking the flag under its top-left corner (nearest, as torch's interpolate). */
    public Mask resized(int newWidth, int newHeight) {
        if (newWidth == width && newHeight == height) return this;
        boolean[] flags = new boolean[Math.multiplyExact(newWidth, newHeight)];
        for (int y = 0; y < newHeight; y++) {
            int sy = Math.min(height - 1, (int) Math.floor(y * ((double) height / newHeight)));
            for (int x = 0; x < newWidth; x++) {
                int sx = Math.min(width - 1, (int) Math.floor(x * ((double) width / newWidth)));
                flags[y * newWidth + x] = repaint[sy * width + sx];
            }
        }
        return new Mask(newWidth, newHeight, flags);
    }

    /** The mask as a black-and-white picture (white where repainted). */
    public Picture picture() {
        byte[] rgb = new byte[repaint.length * 3];
        for (int i = 0; i < repaint.length; i++) if (repaint[i]) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = (byte) 255;
        return new Picture(width, height, rgb);
    }
}
