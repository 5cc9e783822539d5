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
 * ggml Q5_K: super-blocks of 256 elements in 176 bytes: {@code fp16 d, fp16 dmin, scales[12], qh[32], qs[128]}.
 * Like {@link Q4_KTensor} (same scale table, same nibble groups), plus a fifth bit per element: bit s of qh[l]
 * belongs to element l of sub-block s. Element = (d*sc) * (nibble + 16*bit) - (dmin*m).
 */
public record Q5_KTensor(MemorySegment data, long size) implements Tensor {
    static final int BLOCK_BYTES = 2 + 2 + 12 + 32 + 128;
    private static final int SCALES = 4, QH = 16, QS = 48;

    @Override public GgmlType type() { return GgmlType.Q5_K; }

    @Override public float get(long index) {
        long sb = index / SUPER_BLOCK * BLOCK_BYTES;
        int j = (int) (index % SUPER_BLOCK), group = j / 64, sub = j / 32, l = j % 32;
        int packed = u8(data, sb + QS + 32 * group + l);
        int q = (sub % 2 == 0 ? packed & 0xF : packed >>> 4) + 16 * (u8(data, sb + QH + l) >>> sub & 1);
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
                    int packed = u8(data, sb + QS + 32 * group + l), high = u8(data, sb + QH + l) >>> 2 * group;
                    out[base + l] = dLo * ((packed & 0xF) + 16 * (high & 1)) - mLo;
                    out[base + 32 + l] = dHi * ((packed >>> 4) + 16 * (high >>> 1 & 1)) - mHi;
                }
            }
        }
    }

    /** As {@link Q4_KTensor#dot}, with the fifth bit shifted out of qh and or-ed in before conversion. */
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
                    IntVector high = Simd.unsignedInts(Simd.loadBytes(data, sb + QH + c))
                            .lanewise(VectorOperators.LSHR, 2 * group);
                    IntVector qLo = packed.and(0xF).or(high.lanewise(VectorOperators.LSHL, 4).and(16));
                    IntVector qHi = packed.lanewise(VectorOperators.LSHR, 4).or(high.lanewise(VectorOperators.LSHL, 3).and(16));
                    int xi = xOffset + i + 64 * group + c;
                    accLo = Simd.toFloats(qLo).fma(dLo, mLo).fma(FloatVector.fromArray(F, x, xi), accLo);
                    accHi = Simd.toFloats(qHi).fma(dHi, mHi).fma(FloatVector.fromArray(F, x, xi + 32), accHi);
                }
            }
        }
        return accLo.add(accHi).reduceLanes(VectorOperators.ADD);
    }

    /** Like {@link Q4_KTensor#quantize} with 5-bit levels: the low nibbles go to qs, the fifth bits to qh. */
    public static byte[] quantize(float[] values) {
        byte[] out = new byte[Math.toIntExact(GgmlType.Q5_K.byteSize(values.length))];
        for (int s = 0; s < values.length / SUPER_BLOCK; s++) {
            int at = s * BLOCK_BYTES;
            int[] levels = KQuants.quantizeScaleMin(values, s * SUPER_BLOCK, out, at, 31);
            for (int group = 0; group < 4; group++) {
                for (int l = 0; l < 32; l++) {
                    int lo = levels[64 * group + l], hi = levels[64 * group + 32 + l];
                    out[at + QS + 32 * group + l] = (byte) ((lo & 0xF) | (hi & 0xF) << 4);
                    out[at + QH + l] |= (byte) ((lo >>> 4) << 2 * group | (hi >>> 4) << 2 * group + 1);
                }
            }
        }
        return out;
    }
}
