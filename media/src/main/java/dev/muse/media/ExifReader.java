package dev.muse.media;

/**
 * Finds the orientation tag in an EXIF block (a TIFF structure: byte-order mark, IFD0 offset, 12-byte
 * entries). The block comes from the user's file, so every offset and count is checked against the block
 * before it is followed, and anything malformed means "no orientation": a damaged EXIF block must not stop
 * an otherwise good photo from decoding.
 */
final class ExifReader {
    private static final int ORIENTATION_TAG = 0x0112;
    private static final int TYPE_SHORT = 3;

    private ExifReader() {
    }

    /**
     * The orientation recorded in the TIFF structure at {@code data[offset, offset + length)}, or
     * {@link ExifOrientation#NORMAL} when there is none or the block is malformed.
     */
    static ExifOrientation orientation(byte[] data, int offset, int length) {
        try {
            ByteCursor tiff = new ByteCursor(data, offset, length, true, "EXIF block");
            if (tiff.match("MM")) {
                tiff.bigEndian(true);
            } else if (tiff.match("II")) {
                tiff.bigEndian(false);
            } else {
                return ExifOrientation.NORMAL;
            }
            if (tiff.u16() != 42) {
                return ExifOrientation.NORMAL;
            }
            tiff.seek(tiff.u32());
            int entries = tiff.u16();
            // Each entry is 12 bytes; refuse a count the block cannot hold instead of walking off its end.
            if ((long) entries * 12 > tiff.remaining()) {
                return ExifOrientation.NORMAL;
            }
            for (int i = 0; i < entries; i++) {
                int tag = tiff.u16();
                int type = tiff.u16();
                long count = tiff.u32();
                if (tag == ORIENTATION_TAG) {
                    // A SHORT with count 1 sits in the first two bytes of the 4-byte value field.
                    return type == TYPE_SHORT && count == 1 ? ExifOrientation.ofTag(tiff.u16()) : ExifOrientation.NORMAL;
                }
                tiff.skip(4);
            }
            return ExifOrientation.NORMAL;
        } catch (MediaException malformed) {
            return ExifOrientation.NORMAL;
        }
    }
}
