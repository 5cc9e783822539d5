package dev.muse.media;

/**
 * Target sizes that keep an image's aspect ratio: llama.cpp's {@code img_tool::calc_size_preserved_ratio}
 * (transformers' "smart_resize"), in the same float arithmetic.
 */
public final class AspectFit {
    private AspectFit() {
    }

    /**
     * The size to resize {@code input} to, each side a multiple of {@code align}.
     * With {@code longestEdge > 0} the image is scaled so its longer side is {@code longestEdge}, and both
     * sides are rounded <em>up</em> to {@code align}; otherwise each side is rounded to the nearest multiple
     * (at least {@code align}). Then, if the area exceeds {@code maxPixels} (when positive) it is scaled down
     * and rounded down, or if it is below {@code minPixels} (when positive) it is scaled up and rounded up.
     */
    public static ImageSize preservedRatio(ImageSize input, int align, int minPixels, int maxPixels, int longestEdge) {
        if (align < 1) {
            throw new IllegalArgumentException("align must be positive: " + align);
        }
        int width = input.width(), height = input.height();
        if (width <= 0 || height <= 0) {
            return new ImageSize(0, 0);
        }
        int wBar, hBar;
        if (longestEdge > 0) {
            float scale = Math.min((float) longestEdge / width, (float) longestEdge / height);
            wBar = ceilBy(width * scale, align);
            hBar = ceilBy(height * scale, align);
        } else {
            wBar = Math.max(align, roundBy(width, align));
            hBar = Math.max(align, roundBy(height, align));
        }
        if (maxPixels > 0 && (long) hBar * wBar > maxPixels) {
            float beta = (float) Math.sqrt((float) height * width / maxPixels);
            hBar = Math.max(align, floorBy(height / beta, align));
            wBar = Math.max(align, floorBy(width / beta, align));
        } else if (minPixels > 0 && (long) hBar * wBar < minPixels) {
            float beta = (float) Math.sqrt((float) minPixels / ((float) height * width));
            hBar = ceilBy(height * beta, align);
            wBar = ceilBy(width * beta, align);
        }
        return new ImageSize(wBar, hBar);
    }

    private static int roundBy(float x, int factor) {
        return (int) Resize.roundHalfAway(x / (float) factor) * factor;
    }

    private static int ceilBy(float x, int factor) {
        return (int) Math.ceil(x / (float) factor) * factor;
    }

    private static int floorBy(float x, int factor) {
        return (int) Math.floor(x / (float) factor) * factor;
    }
}
