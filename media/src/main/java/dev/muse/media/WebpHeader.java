package dev.muse.media;

/**
 * Reads a WebP's size from its first chunk: a lossy VP8 key frame header, a lossless VP8L header, or the
 * extended VP8X canvas. Animated WebP is refused: only still images are decoded.
 */
final class WebpHeader {
    private static final int VP8X_ANIMATION = 0x02;

    private WebpHeader() {
    }

    static ImageHeader read(byte[] data) {
        ByteCursor in = new ByteCursor(data, 0, data.length, false, "WebP file");
        in.skip(4);
        long riffSize = in.u32();
        if (riffSize + 8 > data.length) {
            throw new MediaException("the WebP file is truncated: it claims " + (riffSize + 8) + " bytes, "
                    + data.length + " arrived");
        }
        in.skip(4); // "WEBP"
        String chunk = in.match("VP8 ") ? "VP8 " : in.match("VP8L") ? "VP8L" : in.match("VP8X") ? "VP8X" : null;
        if (chunk == null) {
            throw new MediaException("the WebP file is damaged: its first chunk is not VP8, VP8L or VP8X");
        }
        long chunkSize = in.u32();
        ByteCursor body = new ByteCursor(data, in.position(), (int) Math.min(chunkSize, in.remaining()), false,
                "WebP " + chunk.trim() + " header");
        int width, height;
        switch (chunk) {
            case "VP8 " -> {
                int frameTag = body.u24();
                if ((frameTag & 1) != 0) {
                    throw new MediaException("the WebP file is damaged: its image is not a key frame");
                }
                if (body.u8() != 0x9D || body.u8() != 0x01 || body.u8() != 0x2A) {
                    throw new MediaException("the WebP file is damaged: bad VP8 start code");
                }
                width = body.u16() & 0x3FFF; // the top two bits are an upscaling hint, not size
                height = body.u16() & 0x3FFF;
            }
            case "VP8L" -> {
                if (body.u8() != 0x2F) {
                    throw new MediaException("the WebP file is damaged: bad VP8L signature");
                }
                long bits = body.u32();
                width = (int) (bits & 0x3FFF) + 1;
                height = (int) ((bits >>> 14) & 0x3FFF) + 1;
            }
            default -> {
                int flags = body.u8();
                if ((flags & VP8X_ANIMATION) != 0) {
                    throw new MediaException("animated WebP is not supported; send a still image");
                }
                body.skip(3);
                width = body.u24() + 1;
                height = body.u24() + 1;
            }
        }
        return new ImageHeader(ImageFormat.WEBP, ImageHeader.checkedSize("WebP", width, "width"),
                ImageHeader.checkedSize("WebP", height, "height"), ExifOrientation.NORMAL);
    }
}
