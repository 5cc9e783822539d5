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
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    @Override public GgmlType type() { return GgmlType.F32; }

    @Override public float get(long index) { return data.get(LE_FLOAT, index * 4); }

    @Override public void dequantize(long offset, float[] out, int outOffset, int n) {
        MemorySegment.copy(data, LE_FLOAT, offset * 4, out, outOffset, n);
    }

    @Override public float dotReference(long offset, float[] x, int xOffset, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i++) sum += get(offset + i) * x[xOffset + i];
        return sum;
    }

    @Override public float dot(long offset, float[] x, int xOffset, int n) {
        FloatVector acc = FloatVector.zero(F);
        int upper = F.loopBound(n), i = 0;
        for (; i < upper; i += F.length()) {
            FloatVector w = FloatVector.fromMemorySegment(F, data, (offset + i) * 4, ByteOrder.LITTLE_ENDIAN);
            acc = w.fma(FloatVector.fromArray(F, x, xOffset + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += get(offset + i) * x[xOffset + i];
        return sum;
    }

    public static byte[] quantize(float[] values) {
        byte[] out = new byte[values.length * 4];
        MemorySegment.copy(values, 0, MemorySegment.ofArray(out), LE_FLOAT, 0, values.length);
        return out;
    }
}
