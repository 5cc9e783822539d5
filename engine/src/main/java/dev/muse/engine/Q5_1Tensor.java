package dev.muse.engine;

import static dev.muse.engine.Simd.F;
import static dev.muse.engine.Simd.L;
import static dev.muse.engine.Simd.f16;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q5_1: blocks of 32 elements, each {@code fp16 d, fp16 m}, a 32-bit word of fifth bits and 16 bytes of
 * nibbles laid out as in {@link Q5_0Tensor}; element = q * d + m for the 5-bit q. whisper.cpp ships its q5_1
 * models in it.
 */
public record Q5_1Tensor(MemorySegment data, long size) implements Tensor {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 2 + 2 + 4 + 16;

    @Override public GgmlType type() { return GgmlType.Q5_1; }

    @Override public float get(long index) {
        long block = index / BLOCK * BLOCK_BYTES;
        return Q5.quant(data, block + 4, (int) (index % BLOCK)) * f16(data, block) + f16(data, block + 2);
    }

    @Override public void dequantize(long offset, float[] out, int outOffset, int n) {
        long block = offset / BLOCK * BLOCK_BYTES;
        for (int i = 0; i < n; i += BLOCK, block += BLOCK_BYTES) {
            float d = f16(data, block), m = f16(data, block + 2);
            for (int j = 0; j < BLOCK; j++) out[outOffset + i + j] = Q5.quant(data, block + 4, j) * d + m;
        }
    }

    /** Per block: d * sum(q * x) + m * sum(x), both sums kept lane-wise and scaled once per block. */
    @Override public float dot(long offset, float[] x, int xOffset, int n) {
        FloatVector acc = FloatVector.zero(F);
        long block = offset / BLOCK * BLOCK_BYTES;
        for (int i = 0; i < n; i += BLOCK, block += BLOCK_BYTES) {
            FloatVector qx = FloatVector.zero(F), xs = qx;
            int high = data.get(Simd.LE_INT, block + 4);
            for (int c = 0; c < 16; c += L) {
                IntVector[] q = Q5.quants(data, block + 8, high, c);
                FloatVector xlo = FloatVector.fromArray(F, x, xOffset + i + c);
                FloatVector xhi = FloatVector.fromArray(F, x, xOffset + i + c + 16);
                qx = Simd.toFloats(q[0]).fma(xlo, qx);
                qx = Simd.toFloats(q[1]).fma(xhi, qx);
                xs = xs.add(xlo).add(xhi);
            }
            acc = qx.fma(FloatVector.broadcast(F, f16(data, block)), acc);
            acc = xs.fma(FloatVector.broadcast(F, f16(data, block + 2)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** ggml's quantize_row_q5_1_ref: d = (max - min) / 31, m = min, q = (int)((x - min) / d + 0.5). */
    public static byte[] quantize(float[] values) {
        byte[] out = new byte[Math.toIntExact(GgmlType.Q5_1.byteSize(values.length))];
        MemorySegment seg = MemorySegment.ofArray(out);
        for (int b = 0; b < values.length / BLOCK; b++) {
            int base = b * BLOCK, at = b * BLOCK_BYTES;
            float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
            for (int j = 0; j < BLOCK; j++) { // plain comparisons, as ggml
                float v = values[base + j];
                if (v < min) min = v;
                if (v > max) max = v;
            }
            float d = (max - min) / 31;
            float id = d != 0f ? 1f / d : 0f;
            seg.set(Simd.LE_SHORT, at, Float.floatToFloat16(d));
            seg.set(Simd.LE_SHORT, at + 2, Float.floatToFloat16(min));
            int[] q = new int[BLOCK];
            for (int j = 0; j < BLOCK; j++) q[j] = (int) ((values[base + j] - min) * id + 0.5f) & 0xFF; // ggml's (uint8_t) cast
            Q5.pack(seg, at + 4, q);
        }
        return out;
    }
}
