package dev.muse.provenance.watermark;

import dev.muse.media.Picture;

/**
 * Muse's invisible image watermark: a 48-bit payload (and its CRC-16, convolutionally coded) spread over a tile of
 * 32 x 32 chips of 4 x 4 pixels, repeated over the whole picture and added to its luminance, with a sync sequence beside the data.
 *
 * <p>Why it survives: a chip is 4 pixels wide, coarse enough for JPEG's quantisation and a 0.5x resize to keep; the
 * tile repeats, so a crop only shifts it (the detector tries every shift of the tile, at each of 16 pixel phases, and
 * picks the one the sync sequence agrees with best); a resize changes its scale (the detector tries a few scales);
 * brightness scales the mark with the picture (signs survive). The detector folds the picture's chip-level detail
 * (each chip less its neighbours' mean) onto one tile, so every repeat adds to the mark while the picture averages out.
 *
 * <p>A false detection needs a random 64-bit word to pass the CRC: at most {@link #SCALES}.length / 65,536 = 1.2e-4
 * per picture checked, whatever the picture (the code's seed is public, so this marks; it does not authenticate).
 */
public final class ImageWatermark {
    /** The name C2PA's soft-binding assertion gives this mark. */
    public static final String ALGORITHM = "dev.muse.watermark.image.v1";
    static final int CHIP = 4, TILE = 32, CHIPS = TILE * TILE;
    /** The sync sequence's weight beside the data's. */
    static final float SYNC = 0.5f;
    /** A chip's local variance floor (levels²) when weighing it: the mark's own variance, about. */
    static final float QUIET = 4f;
    /** Levels (of 255) added per unit of the pattern, before masking: about 40 dB PSNR on an unclipped picture. */
    static final float STRENGTH = 2.8f;
    /** The largest side, in pixels after rescaling, that the detector reads. */
    static final int WINDOW = 1024;
    /** The scales tried, most likely first: the picture as made, then resized. */
    static final double[] SCALES = {1, 0.5, 2, 0.75, 1.5, 1 / 1.5, 1.25, 0.8};
    /** How many words a detection decodes at most: its false-positive rate is at most this many times 2^-16. */
    public static final int SCALES_TRIED = SCALES.length;
    private static final Spread CODE = new Spread(CHIPS, 0x4d75_7365_5f57_4d31L); // "Muse_WM1"

    private ImageWatermark() {}

    /**
     * What the detector found: whether a mark with a valid CRC is there, its payload, the 64-bit word it read (payload
     * and CRC, right or wrong), how strongly the sync agreed (a z-score) and at which scale.
     */
    public record Detection(boolean found, long payload, long word, double syncZ, double scale) {}

    /** {@code picture} with {@code payload} (48 bits) marked in it. */
    public static Picture embed(Picture picture, long payload) {
        float[] code = Spread.encode(payload);
        float[] tile = new float[CHIPS];
        for (int j = 0; j < CHIPS; j++) tile[j] = STRENGTH * (SYNC * CODE.sync[j] + CODE.data[j] * code[CODE.bitOf[j]]);
        int w = picture.width(), h = picture.height();
        byte[] in = picture.rgb(), out = new byte[in.length];
        for (int y = 0; y < h; y++) {
            int row = (y / CHIP % TILE) * TILE;
            for (int x = 0; x < w; x++) {
                float delta = tile[row + x / CHIP % TILE];
                for (int c = 0, i = (y * w + x) * 3; c < 3; c++, i++)
                    out[i] = (byte) Math.clamp(Math.round((in[i] & 0xFF) + delta), 0, 255);
            }
        }
        return new Picture(w, h, out);
    }

    /**
     * Looks for a mark at each of {@link #SCALES}; the first with a valid CRC, or the strongest sync seen. A large picture
     * is read through a window of at most {@link #WINDOW} pixels a side (after rescaling) at its centre: the tile
     * repeats, so a window holds the whole mark many times over, and the time a check takes stays bounded.
     */
    public static Detection detect(Picture picture) {
        float[] luma = luminance(picture);
        Detection best = new Detection(false, 0, 0, 0, 1);
        for (double scale : SCALES) {
            int sw = Math.min(picture.width(), (int) (WINDOW * scale)), sh = Math.min(picture.height(), (int) (WINDOW * scale));
            int w = (int) Math.round(sw / scale), h = (int) Math.round(sh / scale);
            if (w < 2 * CHIP * 3 || h < 2 * CHIP * 3) continue;
            float[] window = window(luma, picture.width(), (picture.width() - sw) / 2, (picture.height() - sh) / 2, sw, sh);
            float[] plane = scale == 1 ? window : resample(window, sw, sh, w, h);
            Detection d = detectAt(plane, w, h, scale);
            if (d.found()) return d;
            if (d.syncZ() > best.syncZ()) best = d;
        }
        return best;
    }

    private static float[] window(float[] plane, int width, int x0, int y0, int w, int h) {
        if (x0 == 0 && y0 == 0 && w == width && w * h == plane.length) return plane;
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) System.arraycopy(plane, (y0 + y) * width + x0, out, y * w, w);
        return out;
    }

    private static Detection detectAt(float[] plane, int w, int h, double scale) {
        float[] bestFold = null;
        double bestZ = Double.NEGATIVE_INFINITY;
        int bestShift = 0;
        float[] fold = new float[CHIPS];
        for (int py = 0; py < CHIP; py++)
            for (int px = 0; px < CHIP; px++) {
                fold(plane, w, h, px, py, fold);
                double energy = 0;
                for (float f : fold) energy += f * f;
                if (energy == 0) continue;
                for (int shift = 0; shift < CHIPS; shift++) {
                    double z = correlate(fold, shift, CODE.sync) / Math.sqrt(energy);
                    if (z > bestZ) {
                        bestZ = z;
                        bestShift = shift;
                        bestFold = fold.clone();
                    }
                }
            }
        if (bestFold == null) return new Detection(false, 0, 0, 0, scale);
        // take the sync's share out of each chip, then read each code bit from its chips
        double gain = correlate(bestFold, bestShift, CODE.sync) / (SYNC * CHIPS);
        float[] soft = new float[Spread.CODE_BITS];
        int sy = bestShift / TILE, sx = bestShift % TILE;
        for (int j = 0; j < CHIPS; j++) {
            int at = ((j / TILE + sy) % TILE) * TILE + (j % TILE + sx) % TILE;
            soft[CODE.bitOf[j]] += (float) ((bestFold[at] - gain * SYNC * CODE.sync[j]) * CODE.data[j]);
        }
        long word = Spread.word(soft);
        boolean found = Spread.checks(word);
        return new Detection(found, found ? word >>> 16 : 0, word, bestZ, scale);
    }

    /** Σ_j fold[chip j moved by shift] · code[j]: the tile's agreement with {@code code} at that cyclic shift. */
    private static double correlate(float[] fold, int shift, float[] code) {
        int sy = shift / TILE, sx = shift % TILE;
        double sum = 0;
        for (int ty = 0; ty < TILE; ty++) {
            int row = ((ty + sy) % TILE) * TILE;
            for (int tx = 0; tx < TILE; tx++) sum += fold[row + (tx + sx) % TILE] * code[ty * TILE + tx];
        }
        return sum;
    }

    /**
     * The chip-level detail of the plane with chips starting at pixel phase (px, py) — each chip's mean less the mean
     * of its eight neighbours — summed onto one tile.
     */
    static void fold(float[] plane, int w, int h, int px, int py, float[] fold) {
        int cw = (w - px) / CHIP, ch = (h - py) / CHIP;
        float[] mean = new float[cw * ch];
        for (int cy = 0; cy < ch; cy++)
            for (int cx = 0; cx < cw; cx++) {
                float sum = 0;
                for (int y = py + cy * CHIP, yEnd = y + CHIP; y < yEnd; y++)
                    for (int x = px + cx * CHIP, xEnd = x + CHIP, i = y * w + x; x < xEnd; x++, i++) sum += plane[i];
                mean[cy * cw + cx] = sum / (CHIP * CHIP);
            }
        float[] detail = new float[cw * ch];
        for (int cy = 1; cy < ch - 1; cy++)
            for (int cx = 1; cx < cw - 1; cx++) {
                float around = 0;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++) around += mean[(cy + dy) * cw + cx + dx];
                float self = mean[cy * cw + cx];
                detail[cy * cw + cx] = self - (around - self) / 8;
            }
        // each chip weighed by how quiet the picture is around it (1 / its local variance): texture hides the mark from
        // the eye and drowns it for the detector, so smooth parts, where it stands out, count for more
        java.util.Arrays.fill(fold, 0);
        for (int cy = 1; cy < ch - 1; cy++)
            for (int cx = 1; cx < cw - 1; cx++) {
                float energy = 0;
                int n = 0;
                for (int dy = -2; dy <= 2; dy++)
                    for (int dx = -2; dx <= 2; dx++) {
                        int y = cy + dy, x = cx + dx;
                        if (y < 1 || x < 1 || y >= ch - 1 || x >= cw - 1) continue;
                        float d = detail[y * cw + x];
                        energy += d * d;
                        n++;
                    }
                fold[(cy % TILE) * TILE + cx % TILE] += detail[cy * cw + cx] / (energy / n + QUIET);
            }
    }

    static float[] luminance(Picture p) {
        byte[] rgb = p.rgb();
        float[] y = new float[p.width() * p.height()];
        for (int i = 0, k = 0; i < y.length; i++, k += 3) y[i] = 0.299f * (rgb[k] & 0xFF) + 0.587f * (rgb[k + 1] & 0xFF) + 0.114f * (rgb[k + 2] & 0xFF);
        return y;
    }

    /** Bilinear resampling of a plane to {@code w x h} (pixel centres aligned). */
    static float[] resample(float[] plane, int sw, int sh, int w, int h) {
        float[] out = new float[w * h];
        double fx = (double) sw / w, fy = (double) sh / h;
        for (int y = 0; y < h; y++) {
            double sy = Math.clamp((y + 0.5) * fy - 0.5, 0, sh - 1);
            int y0 = (int) sy, y1 = Math.min(y0 + 1, sh - 1);
            float ay = (float) (sy - y0);
            for (int x = 0; x < w; x++) {
                double sx = Math.clamp((x + 0.5) * fx - 0.5, 0, sw - 1);
                int x0 = (int) sx, x1 = Math.min(x0 + 1, sw - 1);
                float ax = (float) (sx - x0);
                float top = plane[y0 * sw + x0] * (1 - ax) + plane[y0 * sw + x1] * ax;
                float bottom = plane[y1 * sw + x0] * (1 - ax) + plane[y1 * sw + x1] * ax;
                out[y * w + x] = top * (1 - ay) + bottom * ay;
            }
        }
        return out;
    }
}
