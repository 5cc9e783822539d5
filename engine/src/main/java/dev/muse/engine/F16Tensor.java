package dev.muse.engine;

import static dev.muse.engine.Simd.F;
import static dev.muse.engine.Simd.L;
import static dev.muse.engine.Simd.LE_SHORT;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** IEEE half-precision elements, little-endian. */
public record F16Tensor(MemorySegment data, long size) implements Tensor {

    @Override public GgmlType type() { return GgmlType.F16; }

    @Override public float get(long index) { return Float.float16ToFloat(data.get(LE_SHORT, index * 2)); }

    /** Vector API conversion, chunk by chunk; the tail element by element. */
    @Override public void dequantize(long offset, float[] out, int outOffset, int n) {
        int i = 0;
        for (int upper = n - L; i <= upper; i += L) chunk(offset + i).intoArray(out, outOffset + i);
        for (; i < n; i++) out[outOffset + i] = get(offset + i);
    }

    /** L halves as floats, starting at element index. */
    private FloatVector chunk(long index) {
        return Simd.halfToFloat(Simd.loadShortsAsInts(data, index * 2));
    }

    @Override public float dot(long offset, float[] x, int xOffset, int n) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        int i = 0;
        // Two accumulators: the conversion is cheap enough that one FMA chain would be the bottleneck.
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

    /** Four activation rows at a time share each converted weight chunk. */
    @Override public void dotBatch(long offset, float[] x, int n, int batch, float[] out, int outOffset, int outStride) {
        int b = 0;
        for (; b + 4 <= batch; b += 4) {
            int x0 = b * n, o = outOffset + b * outStride;
            FloatVector acc0 = FloatVector.zero(F), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            int i = 0;
            for (int upper = n - L; i <= upper; i += L) {
                FloatVector w = chunk(offset + i);
                acc0 = w.fma(FloatVector.fromArray(F, x, x0 + i), acc0);
                acc1 = w.fma(FloatVector.fromArray(F, x, x0 + n + i), acc1);
                acc2 = w.fma(FloatVector.fromArray(F, x, x0 + 2 * n + i), acc2);
                acc3 = w.fma(FloatVector.fromArray(F, x, x0 + 3 * n + i), acc3);
            }
            float s0 = acc0.reduceLanes(VectorOperators.ADD), s1 = acc1.reduceLanes(VectorOperators.ADD);
            float s2 = acc2.reduceLanes(VectorOperators.ADD), s3 = acc3.reduceLanes(VectorOperators.ADD);
            for (; i < n; i++) {
                float w = get(offset + i);
                s0 += w * x[x0 + i];
                s1 += w * x[x0 + n + i];
                s2 += w * x[x0 + 2 * n + i];
                s3 += w * x[x0 + 3 * n + i];
            }
            out[o] = s0;
            out[o + outStride] = s1;
            out[o + 2 * outStride] = s2;
            out[o + 3 * outStride] = s3;
        }
        for (; b < batch; b++) out[outOffset + b * outStride] = dot(offset, x, b * n, n);
    }

    /** Round-to-nearest-even, like ggml's GGML_FP32_TO_FP16. */
    public static byte[] quantize(float[] values) {
        byte[] out = new byte[values.length * 2];
        MemorySegment seg = MemorySegment.ofArray(out);
        for (int i = 0; i < values.length; i++) seg.set(LE_SHORT, i * 2L, Float.floatToFloat16(values[i]));
        return out;
    }
}
