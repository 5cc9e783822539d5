package dev.muse.engine;

import static dev.muse.engine.KQuants.SUPER_BLOCK;
import static dev.muse.engine.Simd.F;
import static dev.muse.engine.Simd.L;
import static dev.muse.engine.Simd.LE_INT;
import static dev.muse.engine.Simd.LE_LONG;
import static dev.muse.engine.Simd.f16;
import static dev.muse.engine.Simd.u8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q4_K: super-blocks of 256 elements in 144 bytes: {@code fp16 d, fp16 dmin, scales[12], qs[128]}. The
 * super-block has 8 sub-blocks of 32, each with a 6-bit scale sc and min m ({@link KQuants#scaleMin}); element =
 * (d*sc) * q - (dmin*m). The 128 qs bytes form 4 groups of 32: group g holds sub-block 2g in its low nibbles and
 * sub-block 2g+1 in its high nibbles.
 */
public record Q4_KTensor(MemorySegment data, long size) implements Tensor {
    static final int BLOCK_BYTES = 2 + 2 + 12 + 128;
    private static final int SCALES = 4, QS = 16;

    @Override public GgmlType type() { return GgmlType.Q4_K; }

    @Override public float get(long index) {
        long sb = index / SUPER_BLOCK * BLOCK_BYTES;
        int j = (int) (index % SUPER_BLOCK), group = j / 64, sub = j / 32;
        int packed = u8(data, sb + QS + 32 * group + j % 32);
        int q = sub % 2 == 0 ? packed & 0xF : packed >>> 4;
        int sm = KQuants.scaleMin(data, sb + SCALES, sub);
        return f16(data, sb) * (sm & 0xFF) * q - f16(data, sb + 2) * (sm >>> 8);
    }

    @Override public void dequantize(long offset, float[] out, int outOffset, int n) {
        long sb = offset / SUPER_BLOCK * BLOCK_BYTES;
        for (int i = 0; i < n; i += SUPER_BLOCK, sb += BLOCK_BYTES) {
            float d = f16(data, sb), dmin = f16(data, sb + 2);
            long table = data.get(LE_LONG, sb + SCALES);
            int tableHigh = data.get(LE_INT, sb + SCALES + 8);
            long scales = KQuants.scales(table, tableHigh), mins = KQuants.mins(table, tableHigh);
            for (int group = 0; group < 4; group++) {
                float dLo = d * KQuants.pick(scales, 2 * group), mLo = dmin * KQuants.pick(mins, 2 * group);
                float dHi = d * KQuants.pick(scales, 2 * group + 1), mHi = dmin * KQuants.pick(mins, 2 * group + 1);
                int base = outOffset + i + 64 * group;
                for (int l = 0; l < 32; l++) {
                    int packed = u8(data, sb + QS + 32 * group + l);
                    out[base + l] = dLo * (packed & 0xF) - mLo;
                    out[base + 32 + l] = dHi * (packed >>> 4) - mHi;
                }
            }
        }
    }

    /**
     * Each chunk of L qs bytes is widened once and yields L low-nibble and L high-nibble weights, each decoded with
     * one FMA (q * d*sc - dmin*m); low and high halves accumulate separately to keep two FMA chains in flight.
     */
    @Override public float dot(long offset, float[] x, int xOffset, int n) {
        FloatVector accLo = FloatVector.zero(F), accHi = accLo;
        long sb = offset / SUPER_BLOCK * BLOCK_BYTES;
        for (int i = 0; i < n; i += SUPER_BLOCK, sb += BLOCK_BYTES) {
            float d = f16(data, sb), dmin = f16(data, sb + 2);
            long table = data.get(LE_LONG, sb + SCALES);
            int tableHigh = data.get(LE_INT, sb + SCALES + 8);
            long scales = KQuants.scales(table, tableHigh), mins = KQuants.mins(table, tableHigh);
            for (int group = 0; group < 4; group++) {
                FloatVector dLo = FloatVector.broadcast(F, d * KQuants.pick(scales, 2 * group));
                FloatVector mLo = FloatVector.broadcast(F, -(dmin * KQuants.pick(mins, 2 * group)));
                FloatVector dHi = FloatVector.broadcast(F, d * KQuants.pick(scales, 2 * group + 1));
                FloatVector mHi = FloatVector.broadcast(F, -(dmin * KQuants.pick(mins, 2 * group + 1)));
                for (int c = 0; c < 32; c += L) {
                    IntVector packed = Simd.unsignedInts(Simd.loadBytes(data, sb + QS + 32 * group + c));
                    FloatVector lo = Simd.toFloats(packed.and(0xF)).fma(dLo, mLo);
                    FloatVector hi = Simd.toFloats(packed.lanewise(VectorOperators.LSHR, 4)).fma(dHi, mHi);
                    int xi = xOffset + i + 64 * group + c;
                    accLo = lo.fma(FloatVector.fromArray(F, x, xi), accLo);
                    accHi = hi.fma(FloatVector.fromArray(F, x, xi + 32), accHi);
                }
            }
        }
        return accLo.add(accHi).reduceLanes(VectorOperators.ADD);
    }

    /** Four activation rows at a time share each decoded weight chunk. */
    @Override public void dotBatch(long offset, float[] x, int n, int batch, float[] out, int outOffset, int outStride) {
        int b = 0;
        for (; b + 4 <= batch; b += 4) {
            int x0 = b * n, o = outOffset + b * outStride;
            FloatVector acc0 = FloatVector.zero(F), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            long sb = offset / SUPER_BLOCK * BLOCK_BYTES;
            for (int i = 0; i < n; i += SUPER_BLOCK, sb += BLOCK_BYTES) {
                float d = f16(data, sb), dmin = f16(data, sb + 2);
                long table = data.get(LE_LONG, sb + SCALES);
                int tableHigh = data.get(LE_INT, sb + SCALES + 8);
                long scales = KQuants.scales(table, tableHigh), mins = KQuants.mins(table, tableHigh);
                for (int group = 0; group < 4; group++) {
                    FloatVector dLo = FloatVector.broadcast(F, d * KQuants.pick(scales, 2 * group));
                    FloatVector mLo = FloatVector.broadcast(F, -(dmin * KQuants.pick(mins, 2 * group)));
                    FloatVector dHi = FloatVector.broadcast(F, d * KQuants.pick(scales, 2 * group + 1));
                    FloatVector mHi = FloatVector.broadcast(F, -(dmin * KQuants.pick(mins, 2 * group + 1)));
                    for (int c = 0; c < 32; c += L) {
                        IntVector packed = Simd.unsignedInts(Simd.loadBytes(data, sb + QS + 32 * group + c));
                        FloatVector lo = Simd.toFloats(packed.and(0xF)).fma(dLo, mLo);
                        FloatVector hi = Simd.toFloats(packed.lanewise(VectorOperators.LSHR, 4)).fma(dHi, mHi);
                        int xi = x0 + i + 64 * group + c;
                        acc0 = hi.fma(FloatVector.fromArray(F, x, xi + 32), lo.fma(FloatVector.fromArray(F, x, xi), acc0));
                        acc1 = hi.fma(FloatVector.fromArray(F, x, xi + n + 32), lo.fma(FloatVector.fromArray(F, x, xi + n), acc1));
                        acc2 = hi.fma(FloatVector.fromArray(F, x, xi + 2 * n + 32), lo.fma(FloatVector.fromArray(F, x, xi + 2 * n), acc2));
                        acc3 = hi.fma(FloatVector.fromArray(F, x, xi + 3 * n + 32), lo.fma(FloatVector.fromArray(F, x, xi + 3 * n), acc3));
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
     * A simple valid Q4_K encoding: each sub-block's (scale, min) comes from {@link KQuants#fitScaleMin}; the 8
     * scales and 8 mins are quantised to 6 bits against the super-block's largest (d = max/63, dmin likewise),
     * then every element is re-quantised with the scales it will actually be decoded with.
     */
    public static byte[] quantize(float[] values) {
        byte[] out = new byte[Math.toIntExact(GgmlType.Q4_K.byteSize(values.length))];
        for (int s = 0; s < values.length / SUPER_BLOCK; s++) {
            int at = s * BLOCK_BYTES;
            int[] levels = KQuants.quantizeScaleMin(values, s * SUPER_BLOCK, out, at, 15);
            for (int group = 0; group < 4; group++)
                for (int l = 0; l < 32; l++)
                    out[at + QS + 32 * group + l] = (byte) (levels[64 * group + l] | levels[64 * group + 32 + l] << 4);
        }
        return out;
    }
}
