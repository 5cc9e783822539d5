package dev.muse.media;

/** The encoded image formats Muse decodes, recognised from their first bytes, never from a file name. */
public enum ImageFormat {
    PNG("PNG", "png"),
    JPEG("JPEG", "jpeg"),
    WEBP("WebP", "webp");

    private final String displayName;
    private final String imageIoName;

    ImageFormat(String displayName, String imageIoName) {
        this.displayName = displayName;
        this.imageIoName = imageIoName;
    }

    /** The name users know, for messages. */
    public String displayName() {
        return displayName;
    }

    /** The format name ImageIO's reader registry knows it by. */
    String imageIoName() {
        return imageIoName;
    }

    /**
     * The format whose signature {@code data} starts with.
     *
     * @throws MediaException for empty data, or data that is none of PNG, JPEG or WebP (other image formats
     *                        are named in the message so the user knows what to convert)
     */
    public static ImageFormat detect(byte[] data) {
        if (data.length == 0) {
            throw new MediaException("the image is empty (0 bytes)");
        }
        if (startsWith(data, 0, 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n')) {
            return PNG;
        }
        if (startsWith(data, 0, 0xFF, 0xD8, 0xFF)) {
            return JPEG;
        }
        if (startsWith(data, 0, 'R', 'I', 'F', 'F') && startsWith(data, 8, 'W', 'E', 'B', 'P')) {
            return WEBP;
        }
        if (startsWith(data, 0, 0x89, 'P', 'N', 'G')) {
            throw new MediaException("the PNG file is damaged: its signature is wrong (was it sent as text?)");
        }
        String other = otherFormat(data);
        throw new MediaException((other == null ? "the data is not an image Muse recognises"
                : other + " images are not supported") + "; send PNG, JPEG or WebP");
    }

    /** Common formats we do not decode, so the message can name them. */
    private static String otherFormat(byte[] d) {
        if (startsWith(d, 0, 'G', 'I', 'F', '8')) return "GIF";
        if (startsWith(d, 0, 'B', 'M')) return "BMP";
        if (startsWith(d, 0, 'I', 'I', 0x2A, 0) || startsWith(d, 0, 'M', 'M', 0, 0x2A)) return "TIFF";
        if (startsWith(d, 4, 'f', 't', 'y', 'p')) return "HEIF/AVIF";
        return null;
    }

    private static boolean startsWith(byte[] data, int offset, int... signature) {
        if (data.length < offset + signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((data[offset + i] & 0xFF) != signature[i]) {
                return false;
            }
        }
        return true;
    }
}
