package dev.muse.media;

/**
 * What an encoded image's header says, read without decoding a pixel: the format (from the magic bytes),
 * the stored width and height, and for JPEG the EXIF orientation. Reading it allocates nothing in proportion
 * to what the header claims, which is what lets {@link ImageLimits} refuse a bomb before it goes off.
 *
 * @param format      the encoding
 * @param width       stored width in pixels, at least 1 (before orientation is applied)
 * @param height      stored height in pixels, at least 1
 * @param orientation how to turn the stored pixels upright; {@link ExifOrientation#NORMAL} for PNG and WebP
 */
public record ImageHeader(ImageFormat format, int width, int height, ExifOrientation orientation) {
    /**
     * Reads the header of {@code data}.
     *
     * @throws MediaException when the format is not supported, the header is truncated or malformed, or it
     *                        claims a zero or negative size
     */
    public static ImageHeader read(byte[] data) {
        ImageFormat format = ImageFormat.detect(data);
        return switch (format) {
            case PNG -> png(data);
            case JPEG -> JpegHeader.read(data);
            case WEBP -> WebpHeader.read(data);
        };
    }

    /** The size once orientation is applied. */
    public ImageSize uprightSize() {
        return orientation.swapsAxes() ? new ImageSize(height, width) : new ImageSize(width, height);
    }

    /**
     * Signature, then IHDR must come first: length 13, width and height as unsigned 32-bit big-endian. The
     * chunk list is then walked to IEND, every length checked against the file: a PNG cut short loses its
     * IEND, and the JDK reader would otherwise accept one that lost only its last checksums.
     */
    private static ImageHeader png(byte[] data) {
        ByteCursor in = new ByteCursor(data, 0, data.length, true, "PNG file");
        in.skip(8);
        long ihdrLength = in.u32();
        if (in.remaining() < 4 + 13 + 4) {
            throw new MediaException("the PNG file is truncated: it ends inside its header");
        }
        if (ihdrLength != 13 || !in.match("IHDR")) {
            throw new MediaException("the PNG file is damaged: it does not start with an IHDR chunk");
        }
        long width = in.u32(), height = in.u32();
        ImageHeader header = new ImageHeader(ImageFormat.PNG, checkedSize("PNG", width, "width"),
                checkedSize("PNG", height, "height"), ExifOrientation.NORMAL);
        in.skip(5 + 4); // bit depth, colour type, compression, filter, interlace; CRC
        boolean imageData = false;
        while (true) {
            if (in.remaining() < 12) {
                throw new MediaException("the PNG file is truncated: it ends before its IEND chunk");
            }
            long length = in.u32();
            // letters only, so a hostile type cannot put control characters into the message
            String type = new String(data, in.position(), 4, java.nio.charset.StandardCharsets.ISO_8859_1)
                    .replaceAll("[^A-Za-z]", "?");
            in.skip(4);
            if (type.equals("IEND")) {
                break;
            }
            imageData |= type.equals("IDAT");
            if (length > in.remaining() - 4) {
                throw new MediaException("the PNG file is truncated: its " + type + " chunk claims " + length
                        + " bytes, " + Math.max(0, in.remaining() - 4) + " remain");
            }
            in.skip(length + 4); // data and CRC
        }
        if (!imageData) {
            throw new MediaException("the PNG file is damaged: it has no image data (IDAT)");
        }
        return header;
    }

    /** A header size as an int: zero is refused here, sizes past 2^31 - 1 (which no cap allows) too. */
    static int checkedSize(String format, long value, String which) {
        if (value == 0) {
            throw new MediaException("the " + format + " file claims a " + which + " of 0 pixels; it is damaged");
        }
        if (value > Integer.MAX_VALUE) {
            throw new MediaException("the " + format + " file claims a " + which + " of " + value
                    + " pixels; it is damaged or a decompression bomb");
        }
        return (int) value;
    }
}
