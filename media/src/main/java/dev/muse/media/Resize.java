package dev.muse.media;

/**
 * Resizing, padding and cropping as llama.cpp's {@code img_tool} does them (tools/mtmd/mtmd-image.cpp at
 * commit 3f545bec), with the same float and double arithmetic in the same order, so that results are equal
 * byte for byte. The kernels are in {@link ResizeKernels}.
 */
public final class Resize {
    private Resize() {
    }

    /**
     * {@code img_tool::resize}: {@code source} resized to {@code target}. With {@link PadStyle#NONE} it is
     * stretched; otherwise it is scaled to fit, keeping its aspect ratio, and centred on {@code padRgb}.
     *
     * @param padRgb the pad colour as {@code 0xRRGGBB}
     */
    public static Picture resize(Picture source, ImageSize target, ResizeAlgorithm algorithm, PadStyle pad, int padRgb) {
        if (target.width() < 1 || target.height() < 1) {
            throw new IllegalArgumentException("cannot resize to " + target);
        }
        if (target.width() == source.width() && target.height() == source.height()) {
            return new Picture(source.width(), source.height(), source.rgb().clone());
        }
        if (pad == PadStyle.NONE) {
            return kernel(source, target.width(), target.height(), algorithm);
        }
        // float arithmetic as in llama.cpp: the scale and the scaled sizes are floats
        float scaleW = (float) target.width() / source.width();
        float scaleH = (float) target.height() / source.height();
        float scale = Math.min(scaleW, scaleH);
        int newWidth, newHeight, offsetX, offsetY;
        if (pad == PadStyle.NEAREST) {
            newWidth = Math.min((int) roundHalfAway(source.width() * scale), target.width());
            newHeight = Math.min((int) roundHalfAway(source.height() * scale), target.height());
            offsetX = (int) roundHalfAway((target.width() - newWidth) / 2.0f);
            offsetY = (int) roundHalfAway((target.height() - newHeight) / 2.0f);
        } else {
            newWidth = Math.min((int) Math.ceil(source.width() * scale), target.width());
            newHeight = Math.min((int) Math.ceil(source.height() * scale), target.height());
            offsetX = (target.width() - newWidth) / 2;
            offsetY = (target.height() - newHeight) / 2;
        }
        Picture resized = kernel(source, newWidth, newHeight, algorithm);
        Picture out = Picture.blank(target.width(), target.height());
        fill(out, padRgb);
        composite(out, resized, offsetX, offsetY);
        return out;
    }

    /** {@code img_tool::crop}: the {@code w x h} region at {@code (x, y)}, which must lie inside. */
    public static Picture crop(Picture image, int x, int y, int w, int h) {
        if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > image.width() || y + h > image.height()) {
            throw new IllegalArgumentException("crop " + w + "x" + h + " at (" + x + "," + y + ") outside " + image.size());
        }
        Picture out = Picture.blank(w, h);
        for (int row = 0; row < h; row++) {
            System.arraycopy(image.rgb(), ((y + row) * image.width() + x) * 3, out.rgb(), row * w * 3, w * 3);
        }
        return out;
    }

    private static Picture kernel(Picture source, int width, int height, ResizeAlgorithm algorithm) {
        return switch (algorithm) {
            case BILINEAR -> ResizeKernels.bilinear(source, width, height);
            case BICUBIC -> ResizeKernels.bicubic(source, width, height);
        };
    }

    private static void fill(Picture image, int rgb) {
        byte r = (byte) (rgb >>> 16), g = (byte) (rgb >>> 8), b = (byte) rgb;
        byte[] out = image.rgb();
        for (int i = 0; i < out.length; i += 3) {
            out[i] = r;
            out[i + 1] = g;
            out[i + 2] = b;
        }
    }

    /** {@code img_tool::composite}: draws {@code source} at the offset, clipping what falls outside. */
    private static void composite(Picture target, Picture source, int offsetX, int offsetY) {
        for (int y = 0; y < source.height(); y++) {
            int ty = y + offsetY;
            if (ty < 0 || ty >= target.height()) {
                continue;
            }
            for (int x = 0; x < source.width(); x++) {
                int tx = x + offsetX;
                if (tx >= 0 && tx < target.width()) {
                    System.arraycopy(source.rgb(), (y * source.width() + x) * 3, target.rgb(), (ty * target.width() + tx) * 3, 3);
                }
            }
        }
    }

    /**
     * C's {@code roundf}: halves go away from zero. {@code Math.round} sends -2.5 to -2, so it is used only
     * on the magnitude.
     */
    static float roundHalfAway(float value) {
        return Math.copySign((float) Math.floor(Math.abs(value) + 0.5), value);
    }
}
