package dev.muse.engine;

import static dev.muse.engine.Simd.F;
import static dev.muse.engine.Simd.L;
import static dev.muse.engine.Simd.f16;
import static dev.muse.engine.Simd.u8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q4_1: blocks of 32 elements, each {@code fp16 d, fp16 m} then 16 bytes of nibbles (byte j: element j low,
 * element j+16 high); element = q * d + m.
 */
public record Q4_1Tensor(MemorySegment data, long size) implements Tensor {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 2 + 2 + 16;

    @Override public GgmlType type() { return GgmlType.Q4_1; }

    @Override public float get(long index) {
        long block = index / BLOCK * BLOCK_BYTES;
        int j = (int) (index % BLOCK);
        int packed = u8(data, block + 4 + (j & 15));
        int q = j < 16 ? packed & 0xF : packed >>> 4;
        return q * f16(data, block) + f16(data, block + 2);
    }

    @Override public void dequantize(long offset, float[] out, int outOffset, int n) {
        long block = offset / BLOCK * BLOCK_BYTES;
        for (int i = 0; i < n; i += BLOCK, block += BLOCK_BYTES) {
            float d = f16(data, block), m = f16(data, block + 2);
            for (int j = 0; j < 16; j++) {
                int packed = u8(data, block + 4 + j);
                out[outOffset + i + j] = (packed & 0xF) * d + m;
                out[outOffset + i + j + 16] = (packed >>> 4) * d + m;
            }
        }
    }

    /** Per block: d * sum(q*x) + m * sum(x), both sums kept lane-wise and scaled once per block. */
    @Override public float dot(long offset, float[] x, int xOffset, int n) {
        FloatVector acc = FloatVector.zero(F);
        long block = offset / BLOCK * BLOCK_BYTES;
        for (int i = 0; i < n; i += BLOCK, block += BLOCK_BYTES) {
            FloatVector qx = FloatVector.zero(F), xs = qx;
            for (int c = 0; c < 16; c += L) {
                IntVector packed = Simd.unsignedInts(Simd.loadBytes(data, block + 4 + c));
                FloatVector xlo = FloatVector.fromArray(F, x, xOffset + i + c);
                FloatVector xhi = FloatVector.fromArray(F, x, xOffset + i + c + 16);
                qx = Simd.toFloats(packed.and(0xF)).fma(xlo, qx);
                qx = Simd.toFloats(packed.lanewise(VectorOperators.LSHR, 4)).fma(xhi, qx);
                xs = xs.add(xlo).add(xhi);
            }
            acc = qx.fma(FloatVector.broadcast(F, f16(data, block)), acc);
            acc = xs.fma(FloatVector.broadcast(F, f16(data, block + 2)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** ggml's quantize_row_q4_1_ref: d = (max - min) / 15, m = min, q = min(15, (int)((x - min)/d + 0.5)). */
    public static byte[] quantize(float[] values) {
        byte[] out = new byte[Math.toIntExact(GgmlType.Q4_1.byteSize(values.length))];
        MemorySegment seg = MemorySegment.ofArray(out);
        for (int b = 0; b < values.length / BLOCK; b++) {
            int base = b * BLOCK, at = b * BLOCK_BYTES;
            float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
            for (int j = 0; j < BLOCK; j++) { // plain comparisons, as ggml (Math.min would prefer -0.0 over 0.0)
                float v = values[base + j];
                if (v < min) min = v;
                if (v > max) max = v;
            }
            float d = (max - min) / 15;
            float id = d != 0f ? 1f / d : 0f;
            seg.set(Simd.LE_SHORT, at, Float.floatToFloat16(d));
            seg.set(Simd.LE_SHORT, at + 2, Float.floatToFloat16(min));
            for (int j = 0; j < 16; j++) {
                int q0 = Math.min(15, (int) ((values[base + j] - min) * id + 0.5f));
                int q1 = Math.min(15, (int) ((values[base + j + 16] - min) * id + 0.5f));
                out[at + 4 + j] = (byte) (q0 | q1 << 4);
            }
        }
        return out;
    }
}
