package dev.muse.media;

/**
 * Caps on an image a user sends, all checked before any pixel memory is allocated: the encoded size first,
 * then the width and height read from the file's header. A few hundred bytes can claim a 60000 x 60000 image
 * (10 GiB of RGB); these caps refuse it before decoding starts.
 *
 * @param maxEncodedBytes the largest encoded file accepted
 * @param maxWidth        the widest image accepted, in pixels
 * @param maxHeight       the tallest image accepted, in pixels
 * @param maxPixels       the most pixels (width x height) accepted
 */
public record ImageLimits(long maxEncodedBytes, int maxWidth, int maxHeight, long maxPixels) {
    /** 20 MiB encoded, 16384 pixels a side, 40 megapixels: any camera photo, not a bomb. */
    public static final ImageLimits DEFAULT = new ImageLimits(20L << 20, 16384, 16384, 40_000_000L);

    public ImageLimits {
        if (maxEncodedBytes < 1 || maxWidth < 1 || maxHeight < 1 || maxPixels < 1) {
            throw new IllegalArgumentException("image limits must be positive: " + maxEncodedBytes + " bytes, "
                    + maxWidth + "x" + maxHeight + ", " + maxPixels + " pixels");
        }
    }

    /** Refuses an encoded file larger than {@link #maxEncodedBytes}. */
    public void checkEncodedSize(long bytes) {
        if (bytes > maxEncodedBytes) {
            throw new MediaException("the image file is " + mib(bytes) + "; the largest accepted is "
                    + mib(maxEncodedBytes) + ": send a smaller or more compressed image");
        }
    }

    /** Refuses dimensions over the caps; called with what the header claims, before decoding. */
    public void checkDimensions(int width, int height) {
        if (width > maxWidth || height > maxHeight) {
            throw new MediaException("the image is " + width + "x" + height + " pixels; the largest accepted is "
                    + maxWidth + "x" + maxHeight + ": scale it down and send it again");
        }
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new MediaException("the image is " + width + "x" + height + " pixels (" + megapixels(pixels)
                    + "); the most accepted is " + megapixels(maxPixels) + ": scale it down and send it again");
        }
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }

    private static String megapixels(long pixels) {
        return String.format(java.util.Locale.ROOT, "%.1f megapixels", pixels / 1e6);
    }
}
