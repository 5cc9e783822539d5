package dev.muse.media;

/**
 * The scalar resampling kernels of llama.cpp's {@code img_tool} (tools/mtmd/mtmd-image.cpp, commit 3f545bec),
 * written to compute exactly what the C++ computes: the same operations, in the same order, in the same
 * precision (float, except where the C++ mixes in {@code double} constants), with the same conversions back
 * to 8 bits. llama.cpp builds this file without {@code -march}, hence without fused multiply-adds, so plain
 * Java float arithmetic reproduces it. These are the reference: a faster kernel must be tested against them.
 */
final class ResizeKernels {
    private ResizeKernels() {
    }

    /** {@code img_tool::resize_bilinear}: corner-aligned, float lerps, truncated to 8 bits. */
    static Picture bilinear(Picture src, int targetWidth, int targetHeight) {
        int sw = src.width(), sh = src.height();
        Picture dst = Picture.blank(targetWidth, targetHeight);
        byte[] in = src.rgb(), out = dst.rgb();
        float xRatio = targetWidth > 1 ? (float) (sw - 1) / (targetWidth - 1) : 0.0f;
        float yRatio = targetHeight > 1 ? (float) (sh - 1) / (targetHeight - 1) : 0.0f;
        for (int y = 0; y < targetHeight; y++) {
            float py = y * yRatio;
            int y0 = Math.min((int) py, sh - 1);
            int y1 = Math.min(y0 + 1, sh - 1);
            float yf = py - y0;
            for (int x = 0; x < targetWidth; x++) {
                float px = x * xRatio;
                int x0 = Math.min((int) px, sw - 1);
                int x1 = Math.min(x0 + 1, sw - 1);
                float xf = px - x0;
                int p00 = (y0 * sw + x0) * 3, p10 = (y0 * sw + x1) * 3, p01 = (y1 * sw + x0) * 3, p11 = (y1 * sw + x1) * 3;
                int o = (y * targetWidth + x) * 3;
                for (int c = 0; c < 3; c++) {
                    float top = lerp(in[p00 + c] & 0xFF, in[p10 + c] & 0xFF, xf);
                    float bottom = lerp(in[p01 + c] & 0xFF, in[p11 + c] & 0xFF, xf);
                    // static_cast<uint8_t>(float): truncation; the value lies within [0, 255]
                    out[o + c] = (byte) (int) lerp(top, bottom, yf);
                }
            }
        }
        return dst;
    }

    private static float lerp(float s, float e, float t) {
        return s + (e - s) * t;
    }

    /**
     * {@code img_tool::resize_bicubic}. The C++ recomputes the vertical pass after each of its four rows and
     * keeps the last; computing it once after the fourth row gives the same value. Its coefficients
     * {@code -1.0 / 3} etc. are doubles, so those sums are done in double and stored as float, as in C++.
     */
    static Picture bicubic(Picture img, int targetWidth, int targetHeight) {
        int nx = img.width(), ny = img.height();
        Picture dst = Picture.blank(targetWidth, targetHeight);
        byte[] in = img.rgb(), out = dst.rgb();
        float tx = (float) nx / (float) targetWidth;
        float ty = (float) ny / (float) targetHeight;
        float[] column = new float[4];
        for (int i = 0; i < targetHeight; i++) {
            int y = (int) (ty * i);
            float dy = ty * i - y;
            for (int j = 0; j < targetWidth; j++) {
                int x = (int) (tx * j);
                float dx = tx * j - x;
                int xm1 = clamp(x - 1, nx), x0 = clamp(x, nx), xp1 = clamp(x + 1, nx), xp2 = clamp(x + 2, nx);
                for (int k = 0; k < 3; k++) {
                    for (int jj = 0; jj <= 3; jj++) {
                        int row = clamp(y - 1 + jj, ny) * nx;
                        int centre = in[(row + x0) * 3 + k] & 0xFF;
                        float d0 = (in[(row + xm1) * 3 + k] & 0xFF) - centre;
                        float d2 = (in[(row + xp1) * 3 + k] & 0xFF) - centre;
                        float d3 = (in[(row + xp2) * 3 + k] & 0xFF) - centre;
                        column[jj] = cubic(centre, d0, d2, d3, dx);
                    }
                    float d0 = column[0] - column[1];
                    float d2 = column[2] - column[1];
                    float d3 = column[3] - column[1];
                    float cc = cubic(column[1], d0, d2, d3, dy);
                    // std::min(std::max(std::round(Cc), 0.0f), 255.0f), then to uint8_t
                    out[(i * targetWidth + j) * 3 + k] = (byte) (int) Math.min(Math.max(Resize.roundHalfAway(cc), 0.0f), 255.0f);
                }
            }
        }
        return dst;
    }

    /** One cubic step: {@code a0 + a1 t + a2 t^2 + a3 t^3} with the C++'s double-then-float coefficients. */
    private static float cubic(float a0, float d0, float d2, float d3, float t) {
        float a1 = (float) (-1.0 / 3 * d0 + d2 - 1.0 / 6 * d3);
        float a2 = (float) (1.0 / 2 * d0 + 1.0 / 2 * d2);
        float a3 = (float) (-1.0 / 6 * d0 - 1.0 / 2 * d2 + 1.0 / 6 * d3);
        return a0 + a1 * t + a2 * t * t + a3 * t * t * t;
    }

    private static int clamp(int v, int size) {
        return Math.max(0, Math.min(v, size - 1));
    }
}
