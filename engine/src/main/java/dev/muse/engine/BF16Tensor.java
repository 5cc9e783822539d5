package dev.muse.engine;

import static dev.muse.engine.Simd.F;
import static dev.muse.engine.Simd.L;
import static dev.muse.engine.Simd.LE_SHORT;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** bfloat16 elements (the upper 16 bits of a float32), little-endian. */
public record BF16Tensor(MemorySegment data, long size) implements Tensor {

    @Override public GgmlType type() { return GgmlType.BF16; }

    @Override public float get(long index) { return toFloat(data.get(LE_SHORT, index * 2)); }

    static float toFloat(short bf16) { return Float.intBitsToFloat(bf16 << 16); }

    /** ggml_compute_fp32_to_bf16: round to nearest even; NaNs stay NaN (forced quiet) instead of rounding to inf. */
    static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) return (short) ((bits >>> 16) | 64);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    @Override public void dequantize(long offset, float[] out, int outOffset, int n) {
        int i = 0;
        for (int upper = n - L; i <= upper; i += L) chunk(offset + i).intoArray(out, outOffset + i);
        for (; i < n; i++) out[outOffset + i] = get(offset + i);
    }

    /** L bf16 values as floats, starting at element index: widen to int and shift into the high half. */
    private FloatVector chunk(long index) {
        return Simd.loadShortsAsInts(data, index * 2).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    @Override public float dot(long offset, float[] x, int xOffset, int n) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        int i = 0;
        for (int upper = n - 2 * L; i <= upper; i += 2 * L) {
            acc0 = chunk(offset + i).fma(FloatVector.fromArray(F, x, xOffset + i), acc0);
            acc1 = chunk(offset + i + L).fma(FloatVector.fromArray(F, x, xOffset + i + L), acc1);
        }
        if (i + L <= n) {
            acc0 = chunk(offset + i).fma(FloatVector.fromArray(F, x, xOffset + i), acc0);
            i += L;
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += get(offset + i) * x[xOffset + i];
        return sum;
    }

    public static byte[] quantize(float[] values) {
        byte[] out = new byte[values.length * 2];
        MemorySegment seg = MemorySegment.ofArray(out);
        for (int i = 0; i < values.length; i++) seg.set(LE_SHORT, i * 2L, fromFloat(values[i]));
        return out;
    }
}
