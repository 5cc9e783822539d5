package dev.muse.engine;

import java.lang.foreign.MemorySegment;

/**
 * Pieces shared by the K-quant formats (super-blocks of 256): the packed 6-bit scale/min table of Q4_K and Q5_K
 * and the small scale searches used when quantising.
 */
final class KQuants {
    private KQuants() {}

    static final int SUPER_BLOCK = 256;

    /*
     * ggml's get_scale_min_k4 packs 8 pairs of 6-bit (scale, min) into 12 bytes q[0..11]. Pairs 0..3: scale = low 6
     * bits of q[j], min = low 6 bits of q[j+4]. Pairs 4..7: the low 4 bits are the nibbles of q[j+4] (scale low,
     * min high) and the top 2 bits are the top bits of q[j-4] (scale) and q[j] (min). The kernels read the table
     * as one long (q[0..7], "low") and one int (q[8..11], "high") and unpack all 8 values at once with bit masks.
     */

    /** The 8 scales, scale j in byte j of the result. */
    static long scales(long low, int high) {
        int first = (int) low; // q[0..3]
        return (first & 0x3F3F3F3FL) | (long) ((high & 0x0F0F0F0F) | (first >>> 6 & 0x03030303) << 4) << 32;
    }

    /** The 8 mins, min j in byte j of the result. */
    static long mins(long low, int high) {
        int second = (int) (low >>> 32); // q[4..7]
        return (second & 0x3F3F3F3FL) | (long) ((high >>> 4 & 0x0F0F0F0F) | (second >>> 6 & 0x03030303) << 4) << 32;
    }

    /** Byte j of packed (from {@link #scales} or {@link #mins}). */
    static int pick(long packed, int j) {
        return (int) (packed >>> 8 * j) & 0xFF;
    }

    /** Scale and min of sub-block j from the 12-byte table at byte offset {@code table}, as {@code scale | min << 8}. */
    static int scaleMin(MemorySegment data, long table, int j) {
        long low = data.get(Simd.LE_LONG, table);
        int high = data.get(Simd.LE_INT, table + 8);
        return pick(scales(low, high), j) | pick(mins(low, high), j) << 8;
    }

    /** Inverse of get_scale_min_k4: writes 6-bit scale ls and min lm of sub-block j into the 12-byte table. */
    static void packScaleMin(byte[] out, int scales, int j, int ls, int lm) {
        if (j < 4) {
            out[scales + j] |= (byte) ls;
            out[scales + j + 4] |= (byte) lm;
        } else {
            out[scales + j + 4] = (byte) ((ls & 0xF) | (lm & 0xF) << 4);
            out[scales + j - 4] |= (byte) ((ls >>> 4) << 6);
            out[scales + j] |= (byte) ((lm >>> 4) << 6);
        }
    }

    /**
     * Quantises one super-block for the (scale, min) formats Q4_K and Q5_K: fits each 32-element sub-block, stores
     * the 6-bit scales and mins against the super-block's largest (d = max/63, dmin likewise) as
     * {@code fp16 d, fp16 dmin, scales[12]} at out[at..at+16), then re-quantises every element with the scales it
     * will be decoded with. Returns the 256 levels, each in [0, nmax], for the caller to pack.
     */
    static int[] quantizeScaleMin(float[] x, int off, byte[] out, int at, int nmax) {
        float[] scales = new float[8], mins = new float[8];
        float maxScale = 0f, maxMin = 0f;
        for (int j = 0; j < 8; j++) {
            float[] fit = fitScaleMin(x, off + 32 * j, 32, nmax);
            scales[j] = fit[0];
            mins[j] = fit[1];
            maxScale = Math.max(maxScale, scales[j]);
            maxMin = Math.max(maxMin, mins[j]);
        }
        float invScale = maxScale > 0 ? 63f / maxScale : 0f, invMin = maxMin > 0 ? 63f / maxMin : 0f;
        for (int j = 0; j < 8; j++)
            packScaleMin(out, at + 4, j, Math.min(63, Simd.nearestInt(invScale * scales[j])), Math.min(63, Simd.nearestInt(invMin * mins[j])));
        MemorySegment block = MemorySegment.ofArray(out);
        block.set(Simd.LE_SHORT, at, Float.floatToFloat16(maxScale / 63f));
        block.set(Simd.LE_SHORT, at + 2, Float.floatToFloat16(maxMin / 63f));
        float d = Simd.f16(block, at), dmin = Simd.f16(block, at + 2);
        int[] levels = new int[SUPER_BLOCK];
        for (int j = 0; j < 8; j++) {
            int sm = scaleMin(block, at + 4, j);
            float scale = d * (sm & 0xFF), min = dmin * (sm >>> 8);
            if (scale == 0f) continue; // every level decodes to -min: leave them 0
            for (int i = 0; i < 32; i++)
                levels[32 * j + i] = Math.clamp(Simd.nearestInt((x[off + 32 * j + i] + min) / scale), 0, nmax);
        }
        return levels;
    }

    /**
     * Fits x[off..off+n) ~ scale * l - min with integer levels l in [0, nmax] and min >= 0 (the K-quant asymmetric
     * model). Starts from the min/max range and tries slightly stretched level grids, keeping the least-squares
     * (scale, min) refit with the smallest error. Returns {scale, min}.
     */
    static float[] fitScaleMin(float[] x, int off, int n, int nmax) {
        float lo = x[off], hi = x[off];
        for (int i = 1; i < n; i++) {
            lo = Math.min(lo, x[off + i]);
            hi = Math.max(hi, x[off + i]);
        }
        if (lo > 0) lo = 0; // the format subtracts a non-negative min, so an all-positive run starts at zero
        if (hi == lo) return new float[] {0f, -lo};
        float bestScale = (hi - lo) / nmax, bestMin = -lo;
        double bestError = asymmetricError(x, off, n, nmax, bestScale, bestMin);
        for (int step = -10; step <= 10; step++) {
            float iscale = (nmax + 0.1f * step) / (hi - lo);
            double sl = 0, sl2 = 0, sx = 0, sxl = 0;
            for (int i = 0; i < n; i++) {
                int l = Math.clamp(Simd.nearestInt(iscale * (x[off + i] - lo)), 0, nmax);
                sl += l;
                sl2 += (double) l * l;
                sx += x[off + i];
                sxl += (double) l * x[off + i];
            }
            double det = n * sl2 - sl * sl;
            if (det <= 0) continue;
            double scale = (n * sxl - sx * sl) / det, offset = (sl2 * sx - sl * sxl) / det;
            if (offset > 0) { // a positive offset is not representable: refit the scale alone
                offset = 0;
                scale = sxl / sl2;
            }
            double error = asymmetricError(x, off, n, nmax, (float) scale, (float) -offset);
            if (scale > 0 && error < bestError) {
                bestError = error;
                bestScale = (float) scale;
                bestMin = (float) -offset;
            }
        }
        return new float[] {bestScale, bestMin};
    }

    private static double asymmetricError(float[] x, int off, int n, int nmax, float scale, float min) {
        double error = 0;
        for (int i = 0; i < n; i++) {
            int l = scale == 0 ? 0 : Math.clamp(Simd.nearestInt((x[off + i] + min) / scale), 0, nmax);
            double diff = scale * l - min - x[off + i];
            error += diff * diff;
        }
        return error;
    }

    /**
     * Fits x[off..off+n) ~ scale * l with integer levels l in [-nmax, nmax-1] (the Q6_K symmetric model). The
     * value of largest magnitude maps to -nmax (the level with no positive twin); nearby grids are tried and the
     * least-squares scale with the smallest error wins. Returns the (signed) scale, 0 for an all-zero run.
     */
    static float fitScale(float[] x, int off, int n, int nmax) {
        float amax = 0f, max = 0f;
        for (int i = 0; i < n; i++) {
            float a = Math.abs(x[off + i]);
            if (a > amax) {
                amax = a;
                max = x[off + i];
            }
        }
        if (amax < 1e-15f) return 0f;
        float best = -max / nmax;
        double bestGain = -1;
        for (int step = -9; step <= 9; step++) {
            float iscale = -(nmax + 0.1f * step) / max;
            double sxl = 0, sl2 = 0;
            for (int i = 0; i < n; i++) {
                int l = Math.clamp(Simd.nearestInt(iscale * x[off + i]), -nmax, nmax - 1);
                sxl += (double) x[off + i] * l;
                sl2 += (double) l * l;
            }
            // squared error is sum(x^2) - sxl^2/sl2 for the least-squares scale, so maximise sxl^2/sl2
            if (sl2 > 0 && sxl * sxl / sl2 > bestGain) {
                bestGain = sxl * sxl / sl2;
                best = (float) (sxl / sl2);
            }
        }
        return best;
    }
}
