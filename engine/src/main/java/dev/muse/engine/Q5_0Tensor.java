package dev.muse.engine;

import static dev.muse.engine.Simd.F;
import static dev.muse.engine.Simd.L;
import static dev.muse.engine.Simd.f16;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q5_0: blocks of 32 elements, each {@code fp16 d}, a 32-bit word of fifth bits (bit j for element j) and
 * 16 bytes of nibbles (byte j: element j low, element j+16 high); element = (q - 16) * d for the 5-bit q.
 * whisper.cpp ships its q5_0 models in it.
 */
public record Q5_0Tensor(MemorySegment data, long size) implements Tensor {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 2 + 4 + 16;

    @Override public GgmlType type() { return GgmlType.Q5_0; }

    @Override public float get(long index) {
        long block = index / BLOCK * BLOCK_BYTES;
        return (Q5.quant(data, block + 2, (int) (index % BLOCK)) - 16) * f16(data, block);
    }

    @Override public void dequantize(long offset, float[] out, int outOffset, int n) {
        long block = offset / BLOCK * BLOCK_BYTES;
        for (int i = 0; i < n; i += BLOCK, block += BLOCK_BYTES) {
            float d = f16(data, block);
            for (int j = 0; j < BLOCK; j++) out[outOffset + i + j] = (Q5.quant(data, block + 2, j) - 16) * d;
        }
    }

    /** Per block: d * sum((q - 16) * x), the sum kept lane-wise and scaled once per block. */
    @Override public float dot(long offset, float[] x, int xOffset, int n) {
        FloatVector acc = FloatVector.zero(F);
        long block = offset / BLOCK * BLOCK_BYTES;
        for (int i = 0; i < n; i += BLOCK, block += BLOCK_BYTES) {
            FloatVector qx = FloatVector.zero(F);
            int high = data.get(Simd.LE_INT, block + 2);
            for (int c = 0; c < 16; c += L) {
                IntVector[] q = Q5.quants(data, block + 6, high, c);
                qx = Simd.toFloats(q[0].sub(16)).fma(FloatVector.fromArray(F, x, xOffset + i + c), qx);
                qx = Simd.toFloats(q[1].sub(16)).fma(FloatVector.fromArray(F, x, xOffset + i + c + 16), qx);
            }
            acc = qx.fma(FloatVector.broadcast(F, f16(data, block)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** ggml's quantize_row_q5_0_ref: d = (value of largest magnitude) / -16, q = min(31, (int)(x / d + 16.5)). */
    public static byte[] quantize(float[] values) {
        byte[] out = new byte[Math.toIntExact(GgmlType.Q5_0.byteSize(values.length))];
        MemorySegment seg = MemorySegment.ofArray(out);
        for (int b = 0; b < values.length / BLOCK; b++) {
            int base = b * BLOCK, at = b * BLOCK_BYTES;
            float amax = 0, max = 0;
            for (int j = 0; j < BLOCK; j++) {
                float v = values[base + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -16;
            float id = d != 0f ? 1f / d : 0f;
            seg.set(Simd.LE_SHORT, at, Float.floatToFloat16(d));
            int[] q = new int[BLOCK];
            for (int j = 0; j < BLOCK; j++) q[j] = Math.min(31, (int) (values[base + j] * id + 16.5f));
            Q5.pack(seg, at + 2, q);
        }
        return out;
    }
}
