package dev.muse.media;

/**
 * Walks a JPEG's marker segments up to its frame header (SOFn), taking the size from it and the
 * orientation from the first Exif APP1 segment on the way. Every segment length is checked against the
 * file before it is skipped.
 */
final class JpegHeader {
    private static final int SOI = 0xD8, EOI = 0xD9, SOS = 0xDA, APP1 = 0xE1, TEM = 0x01;

    private JpegHeader() {
    }

    static ImageHeader read(byte[] data) {
        ByteCursor in = new ByteCursor(data, 0, data.length, true, "JPEG file");
        in.skip(2); // SOI, checked by ImageFormat.detect
        ExifOrientation orientation = null;
        while (true) {
            // Markers are 0xFF then a code; any number of 0xFF fill bytes may come first. Stray bytes between
            // segments are skipped, as libjpeg does (it only warns about them).
            int code;
            do {
                while (in.u8() != 0xFF) {
                    // stray byte
                }
                do {
                    code = in.u8();
                } while (code == 0xFF);
            } while (code == 0x00);
            if (code == SOI || code == TEM || (code >= 0xD0 && code <= 0xD7)) {
                continue; // standalone markers: no length field
            }
            if (code == EOI || code == SOS) {
                throw new MediaException("the JPEG file is damaged: it has no frame header before its "
                        + (code == EOI ? "end" : "image data"));
            }
            int length = in.u16();
            if (length < 2 || length - 2 > in.remaining()) {
                throw new MediaException("the JPEG file is truncated or damaged: a segment claims "
                        + length + " bytes, " + (in.remaining() + 2) + " remain");
            }
            int payload = in.position();
            if (isStartOfFrame(code)) {
                ByteCursor sof = new ByteCursor(data, payload, length - 2, true, "JPEG frame header");
                sof.u8(); // sample precision
                int height = sof.u16();
                int width = sof.u16();
                if (height == 0) {
                    // A DNL marker after the first scan would give the height; almost no encoder does this.
                    throw new MediaException("the JPEG file leaves its height to a DNL marker, which is not supported");
                }
                return new ImageHeader(ImageFormat.JPEG, ImageHeader.checkedSize("JPEG", width, "width"), height,
                        orientation == null ? ExifOrientation.NORMAL : orientation);
            }
            if (code == APP1 && orientation == null && length - 2 >= 6 && in.match("Exif\0\0")) {
                orientation = ExifReader.orientation(data, payload + 6, length - 2 - 6);
            }
            in.seek(payload + length - 2);
        }
    }

    /** SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
    private static boolean isStartOfFrame(int code) {
        return code >= 0xC0 && code <= 0xCF && code != 0xC4 && code != 0xC8 && code != 0xCC;
    }
}
