package dev.muse.engine;

import static dev.muse.engine.KQuants.SUPER_BLOCK;
import static dev.muse.engine.Simd.F;
import static dev.muse.engine.Simd.L;
import static dev.muse.engine.Simd.f16;
import static dev.muse.engine.Simd.u8;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q6_K: super-blocks of 256 elements in 210 bytes: {@code ql[128], qh[64], int8 scales[16], fp16 d} (d last).
 * Each half of 128 elements uses 64 ql bytes, 32 qh bytes and 8 scales. Within a half, for l in [0, 32):
 * element l takes the low nibble of ql[l], l+32 the low nibble of ql[l+32], l+64 the high nibble of ql[l], l+96
 * the high nibble of ql[l+32]; their top two bits are bits (0,1), (2,3), (4,5), (6,7) of qh[l]. Each run of 16
 * elements has its own scale; element = (d * scale) * (q - 32).
 */
public record Q6_KTensor(MemorySegment data, long size) implements Tensor {
    static final int BLOCK_BYTES = 128 + 64 + 16 + 2;
    private static final int QH = 128, SCALES = 192, D = 208;

    @Override public GgmlType type() { return GgmlType.Q6_K; }

    @Override public float get(long index) {
        long sb = index / SUPER_BLOCK * BLOCK_BYTES;
        int j = (int) (index % SUPER_BLOCK), half = j / 128, quarter = j % 128 / 32, l = j % 32;
        int packed = u8(data, sb + 64 * half + 32 * (quarter & 1) + l);
        int nibble = quarter < 2 ? packed & 0xF : packed >>> 4;
        int q = (nibble | (u8(data, sb + QH + 32 * half + l) >>> 2 * quarter & 3) << 4) - 32;
        return f16(data, sb + D) * scale(sb, 8 * half + l / 16 + 2 * quarter) * q;
    }

    private byte scale(long sb, int k) { return data.get(ValueLayout.JAVA_BYTE, sb + SCALES + k); }

    /** Quarter p's signed values: the low nibbles of ql, with top = qh >>> 2p supplying bits 4-5, minus 32. */
    private static IntVector lowQuarter(IntVector ql, IntVector top) {
        return ql.and(0xF).or(top.lanewise(VectorOperators.LSHL, 4).and(0x30)).sub(32);
    }

    /** Quarter p + 2's signed values: the high nibbles of ql, with bits 4-5 from top's bits 4-5, minus 32. */
    private static IntVector highQuarter(IntVector ql, IntVector top) {
        return ql.lanewise(VectorOperators.LSHR, 4).or(top.and(0x30)).sub(32);
    }

    /**
     * Decodes like {@link #dot} (see there) but scales like ggml's dequantize_row_q6_K, (d * scale) * q; vectorised
     * because prompt processing dequantises weight rows once per activation tile.
     */
    @Override public void dequantize(long offset, float[] out, int outOffset, int n) {
        long sb = offset / SUPER_BLOCK * BLOCK_BYTES;
        for (int i = 0; i < n; i += SUPER_BLOCK, sb += BLOCK_BYTES) {
            float d = f16(data, sb + D);
            for (int half = 0; half < 2; half++) {
                long ql = sb + 64 * half, qh = sb + QH + 32 * half;
                for (int c = 0; c < 32; c += L) {
                    IntVector h = Simd.unsignedInts(Simd.loadBytes(data, qh + c));
                    for (int p = 0; p < 2; p++) {
                        IntVector v = Simd.unsignedInts(Simd.loadBytes(data, ql + 32 * p + c));
                        IntVector top = h.lanewise(VectorOperators.LSHR, 2 * p);
                        IntVector low = lowQuarter(v, top);
                        IntVector high = highQuarter(v, top);
                        int k = 8 * half + c / 16 + 2 * p, at = outOffset + i + 128 * half + 32 * p + c;
                        Simd.toFloats(low).mul(d * scale(sb, k)).intoArray(out, at);
                        Simd.toFloats(high).mul(d * scale(sb, k + 4)).intoArray(out, at + 64);
                    }
                }
            }
        }
    }

    /**
     * Per chunk of L positions l: qh[l] is widened once; then for p in {0, 1} one ql[32p + l] load gives both
     * quarter p (low nibbles, elements 32p + l) and quarter p + 2 (high nibbles, elements 64 + 32p + l), whose
     * top bits sit at 2p and 2p + 4 in qh. The int8 scale multiplies in the int domain (exact) and d once per
     * super-block, which keeps scalar float work out of the inner loop. Looping over p instead of spelling out
     * all four quarters keeps the method small enough for C2 to inline every vector operation (past its node
     * budget it stops inlining and the vectors get boxed on the heap).
     */
    @Override public float dot(long offset, float[] x, int xOffset, int n) {
        FloatVector acc = FloatVector.zero(F);
        long sb = offset / SUPER_BLOCK * BLOCK_BYTES;
        for (int i = 0; i < n; i += SUPER_BLOCK, sb += BLOCK_BYTES) {
            FloatVector accLow = FloatVector.zero(F), accHigh = accLow;
            for (int half = 0; half < 2; half++) {
                long ql = sb + 64 * half, qh = sb + QH + 32 * half;
                for (int c = 0; c < 32; c += L) {
                    IntVector h = Simd.unsignedInts(Simd.loadBytes(data, qh + c));
                    for (int p = 0; p < 2; p++) {
                        IntVector v = Simd.unsignedInts(Simd.loadBytes(data, ql + 32 * p + c));
                        IntVector top = h.lanewise(VectorOperators.LSHR, 2 * p);
                        IntVector low = lowQuarter(v, top);
                        IntVector high = highQuarter(v, top);
                        int k = 8 * half + c / 16 + 2 * p, xi = xOffset + i + 128 * half + 32 * p + c;
                        accLow = Simd.toFloats(low.mul(scale(sb, k))).fma(FloatVector.fromArray(F, x, xi), accLow);
                        accHigh = Simd.toFloats(high.mul(scale(sb, k + 4))).fma(FloatVector.fromArray(F, x, xi + 64), accHigh);
                    }
                }
            }
            acc = accLow.add(accHigh).fma(FloatVector.broadcast(F, f16(data, sb + D)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** Four activation rows at a time share each decoded weight chunk. */
    @Override public void dotBatch(long offset, float[] x, int n, int batch, float[] out, int outOffset, int outStride) {
        int b = 0;
        for (; b + 4 <= batch; b += 4) {
            int x0 = b * n, o = outOffset + b * outStride;
            FloatVector acc0 = FloatVector.zero(F), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            long sb = offset / SUPER_BLOCK * BLOCK_BYTES;
            for (int i = 0; i < n; i += SUPER_BLOCK, sb += BLOCK_BYTES) {
                float d = f16(data, sb + D);
                for (int half = 0; half < 2; half++) {
                    long ql = sb + 64 * half, qh = sb + QH + 32 * half;
                    for (int c = 0; c < 32; c += L) {
                        for (int quarter = 0; quarter < 4; quarter++) {
                            // quarter q: nibble (q >> 1) of ql[32*(q & 1) + l], top bits 2q..2q+1 of qh[l]
                            IntVector nibbles = Simd.unsignedInts(Simd.loadBytes(data, ql + 32 * (quarter & 1) + c))
                                    .lanewise(VectorOperators.LSHR, 4 * (quarter >> 1)).and(0xF);
                            IntVector top = Simd.unsignedInts(Simd.loadBytes(data, qh + c))
                                    .lanewise(VectorOperators.LSHR, 2 * quarter).and(3).lanewise(VectorOperators.LSHL, 4);
                            FloatVector w = Simd.toFloats(nibbles.or(top).sub(32)).mul(d * scale(sb, 8 * half + c / 16 + 2 * quarter));
                            int xq = x0 + i + 128 * half + 32 * quarter + c;
                            acc0 = w.fma(FloatVector.fromArray(F, x, xq), acc0);
                            acc1 = w.fma(FloatVector.fromArray(F, x, xq + n), acc1);
                            acc2 = w.fma(FloatVector.fromArray(F, x, xq + 2 * n), acc2);
                            acc3 = w.fma(FloatVector.fromArray(F, x, xq + 3 * n), acc3);
                        }
                    }
                }
            }
            out[o] = acc0.reduceLanes(VectorOperators.ADD);
            out[o + outStride] = acc1.reduceLanes(VectorOperators.ADD);
            out[o + 2 * outStride] = acc2.reduceLanes(VectorOperators.ADD);
            out[o + 3 * outStride] = acc3.reduceLanes(VectorOperators.ADD);
        }
        for (; b < batch; b++) out[outOffset + b * outStride] = dot(offset, x, b * n, n);
    }

    /**
     * A simple valid Q6_K encoding: each 16-element run gets a signed scale from {@link KQuants#fitScale}; the 16
     * scales are quantised to int8 against the one of largest magnitude (which maps to -128, as in ggml), then
     * every element is re-quantised to [-32, 31] with the scale it will be decoded with.
     */
    public static byte[] quantize(float[] values) {
        byte[] out = new byte[Math.toIntExact(GgmlType.Q6_K.byteSize(values.length))];
        MemorySegment seg = MemorySegment.ofArray(out);
        float[] scales = new float[16];
        int[] levels = new int[SUPER_BLOCK];
        for (int s = 0; s < values.length / SUPER_BLOCK; s++) {
            int off = s * SUPER_BLOCK, at = s * BLOCK_BYTES;
            float maxScale = 0f;
            for (int k = 0; k < 16; k++) {
                scales[k] = KQuants.fitScale(values, off + 16 * k, 16, 32);
                if (Math.abs(scales[k]) > Math.abs(maxScale)) maxScale = scales[k];
            }
            if (Math.abs(maxScale) < 1e-15f) continue; // all zeros: d = 0 and every byte 0 decodes to 0
            float iscale = -128f / maxScale;
            seg.set(Simd.LE_SHORT, at + D, Float.floatToFloat16(1 / iscale));
            float d = f16(seg, at + D);
            for (int k = 0; k < 16; k++) {
                int sc = Math.min(127, Simd.nearestInt(iscale * scales[k]));
                out[at + SCALES + k] = (byte) sc;
                float scale = d * sc;
                for (int i = 0; i < 16; i++)
                    levels[16 * k + i] = scale == 0f ? 32 : Math.clamp(Simd.nearestInt(values[off + 16 * k + i] / scale), -32, 31) + 32;
            }
            for (int half = 0; half < 2; half++) {
                for (int l = 0; l < 32; l++) {
                    int base = 128 * half + l;
                    int q0 = levels[base], q1 = levels[base + 32], q2 = levels[base + 64], q3 = levels[base + 96];
                    out[at + 64 * half + l] = (byte) ((q0 & 0xF) | (q2 & 0xF) << 4);
                    out[at + 64 * half + 32 + l] = (byte) ((q1 & 0xF) | (q3 & 0xF) << 4);
                    out[at + QH + 32 * half + l] = (byte) (q0 >>> 4 | (q1 >>> 4) << 2 | (q2 >>> 4) << 4 | (q3 >>> 4) << 6);
                }
            }
        }
        return out;
    }
}
