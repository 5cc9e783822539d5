package dev.muse.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Plain little-endian float32 elements. */
public record F32Tensor(MemorySegment data, long size) implements Tensor {
    static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VectorSpecies<Float> F = Simd.F;

    /**
     * A tensor over the floats themselves (a heap segment of the array, read little-endian, which is the JVM's order on
     * the machines Muse runs on), so that kernels can use the array directly ({@link #heapFloats}). The array is taken,
     * not copied.
     */
    public static F32Tensor ofFloats(float[] values) {
        if (java.nio.ByteOrder.nativeOrder() != java.nio.ByteOrder.LITTLE_ENDIAN)
            return new F32Tensor(MemorySegment.ofArray(quantize(values)), values.length);
        return new F32Tensor(MemorySegment.ofArray(values), values.length);
    }

    /** The float array this tensor is all of ({@link #ofFloats}), or null when its data lies elsewhere. */
    public float[] heapFloats() {
        return data.heapBase().orElse(null) instanceof float[] array && array.length == size && data.byteSize() == 4L * size ? array : null;
    }

    @Override public GgmlType type() { return GgmlType.F32; }

    @Override public float get(long index) { return data.get(LE_FLOAT, index * 4); }

    @Override public void dequantize(long offset, float[] out, int outOffset, int n) {
        MemorySegment.copy(data, LE_FLOAT, offset * 4, out, outOffset, n);
    }

    @Override public float dot(long offset, float[] x, int xOffset, int n) {
        FloatVector acc = FloatVector.zero(F);
        int upper = F.loopBound(n), i = 0;
        for (; i < upper; i += F.length()) {
            FloatVector w = Simd.loadFloats(data, (offset + i) * 4);
            acc = w.fma(FloatVector.fromArray(F, x, xOffset + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += get(offset + i) * x[xOffset + i];
        return sum;
    }

    /** Four activation rows at a time share each weight vector load. */
    @Override public void dotBatch(long offset, float[] x, int n, int batch, float[] out, int outOffset, int outStride) {
        int b = 0;
        for (; b + 4 <= batch; b += 4) {
            int x0 = b * n, o = outOffset + b * outStride;
            FloatVector acc0 = FloatVector.zero(F), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            int i = 0;
            for (int upper = F.loopBound(n); i < upper; i += F.length()) {
                FloatVector w = Simd.loadFloats(data, (offset + i) * 4);
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

    public static byte[] quantize(float[] values) {
        byte[] out = new byte[values.length * 4];
        MemorySegment.copy(values, 0, MemorySegment.ofArray(out), LE_FLOAT, 0, values.length);
        return out;
    }
}
