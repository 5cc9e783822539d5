package dev.muse.media;

/**
 * Normalised pixels in the planar layout a convolutional patch embedding reads: all red values, then all
 * green, then all blue, each plane row by row ({@code [3][height][width]}, "CHW").
 *
 * <p>The array is not copied; treat it as immutable.
 *
 * @param width  pixels per row
 * @param height rows
 * @param chw    {@code 3 * height * width} floats; channel {@code c} of pixel {@code (x, y)} at
 *               {@code (c * height + y) * width + x}
 */
public record PixelValues(int width, int height, float[] chw) {
    public PixelValues {
        if (width < 1 || height < 1 || chw == null || chw.length != 3L * width * height) {
            throw new IllegalArgumentException("pixel values of " + width + "x" + height + " need "
                    + 3L * width * height + " floats, got " + (chw == null ? "none" : chw.length));
        }
    }

    /** Channel {@code c} of pixel {@code (x, y)}. */
    public float value(int c, int x, int y) {
        return chw[(c * height + y) * width + x];
    }
}
