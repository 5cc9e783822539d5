package dev.muse.media;

/**
 * The EXIF orientation tag (0x0112): how a camera says its stored pixels must be turned to stand upright.
 * Each constant maps a pixel of the upright picture back to the stored one.
 *
 * <p>llama.cpp does not apply it (stb_image ignores EXIF), so a phone photo held in portrait reaches its
 * model on its side. Muse applies it, because users expect the model to see the photo the way their
 * gallery shows it; this is the one place Muse's decoded pixels differ from llama.cpp's on purpose.
 */
public enum ExifOrientation {
    /** 1: stored upright. */
    NORMAL(1),
    /** 2: mirrored left to right. */
    MIRROR_HORIZONTAL(2),
    /** 3: upside down. */
    ROTATE_180(3),
    /** 4: mirrored top to bottom. */
    MIRROR_VERTICAL(4),
    /** 5: mirrored along the main diagonal (rows become columns). */
    TRANSPOSE(5),
    /** 6: must be turned 90 degrees clockwise. */
    ROTATE_90_CW(6),
    /** 7: mirrored along the anti-diagonal. */
    TRANSVERSE(7),
    /** 8: must be turned 90 degrees counter-clockwise. */
    ROTATE_90_CCW(8);

    private final int tag;

    ExifOrientation(int tag) {
        this.tag = tag;
    }

    /** The value stored in the EXIF tag, 1 to 8. */
    public int tag() {
        return tag;
    }

    /** The orientation for a tag value; values outside 1..8 (seen in the wild) mean {@link #NORMAL}. */
    public static ExifOrientation ofTag(int tag) {
        return tag >= 1 && tag <= 8 ? values()[tag - 1] : NORMAL;
    }

    /** True when the upright picture's width is the stored height. */
    public boolean swapsAxes() {
        return tag >= 5;
    }

    /** The upright picture. */
    public Picture apply(Picture stored) {
        if (this == NORMAL) {
            return stored;
        }
        int w = stored.width(), h = stored.height();
        int outW = swapsAxes() ? h : w, outH = swapsAxes() ? w : h;
        byte[] in = stored.rgb();
        byte[] out = new byte[in.length];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                // (sx, sy): the stored pixel that lands on upright pixel (x, y)
                int sx, sy;
                switch (this) {
                    case MIRROR_HORIZONTAL -> { sx = w - 1 - x; sy = y; }
                    case ROTATE_180 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case MIRROR_VERTICAL -> { sx = x; sy = h - 1 - y; }
                    case TRANSPOSE -> { sx = y; sy = x; }
                    case ROTATE_90_CW -> { sx = y; sy = h - 1 - x; }
                    case TRANSVERSE -> { sx = w - 1 - y; sy = h - 1 - x; }
                    case ROTATE_90_CCW -> { sx = w - 1 - y; sy = x; }
                    default -> throw new AssertionError(this);
                }
                System.arraycopy(in, (sy * w + sx) * 3, out, (y * outW + x) * 3, 3);
            }
        }
        return new Picture(outW, outH, out);
    }
}
