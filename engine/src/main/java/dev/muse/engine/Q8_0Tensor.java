package dev.muse.engine;

import static dev.muse.engine.Simd.F;
import static dev.muse.engine.Simd.L;
import static dev.muse.engine.Simd.f16;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q8_0: blocks of 32 elements, each {@code fp16 d} followed by 32 signed bytes q; element = q * d.
 */
public record Q8_0Tensor(MemorySegment data, long size) implements Tensor {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 2 + 32;

    @Override public GgmlType type() { return GgmlType.Q8_0; }

    @Override public float get(long index) {
        long block = index / BLOCK * BLOCK_BYTES;
        return data.get(ValueLayout.JAVA_BYTE, block + 2 + index % BLOCK) * f16(data, block);
    }

    /** Vectorised: prompt processing dequantises weight rows once per activation tile (MatmulKernels.matmulBatch). */
    @Override public void dequantize(long offset, float[] out, int outOffset, int n) {
        long block = offset / BLOCK * BLOCK_BYTES;
        for (int i = 0; i < n; i += BLOCK, block += BLOCK_BYTES) {
            float d = f16(data, block);
            for (int c = 0; c < BLOCK; c += L) Simd.signedFloats(Simd.loadBytes(data, block + 2 + c)).mul(d).intoArray(out, outOffset + i + c);
        }
    }

    /** Per block: sum q*x over the block in float lanes, then scale that partial sum by d once. */
    @Override public float dot(long offset, float[] x, int xOffset, int n) {
        FloatVector acc = FloatVector.zero(F);
        long block = offset / BLOCK * BLOCK_BYTES;
        for (int i = 0; i < n; i += BLOCK, block += BLOCK_BYTES) {
            FloatVector blockSum = FloatVector.zero(F);
            for (int c = 0; c < BLOCK; c += L) {
                FloatVector q = Simd.signedFloats(Simd.loadBytes(data, block + 2 + c));
                blockSum = q.fma(FloatVector.fromArray(F, x, xOffset + i + c), blockSum);
            }
            acc = blockSum.fma(FloatVector.broadcast(F, f16(data, block)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** Four activation rows at a time share each decoded (already scaled) weight chunk. */
    @Override public void dotBatch(long offset, float[] x, int n, int batch, float[] out, int outOffset, int outStride) {
        int b = 0;
        for (; b + 4 <= batch; b += 4) dot4(offset, x, b * n, n, out, outOffset + b * outStride, outStride);
        for (; b < batch; b++) out[outOffset + b * outStride] = dot(offset, x, b * n, n);
    }

    private void dot4(long offset, float[] x, int x0, int n, float[] out, int o, int outStride) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        long block = offset / BLOCK * BLOCK_BYTES;
        for (int i = 0; i < n; i += BLOCK, block += BLOCK_BYTES) {
            float d = f16(data, block);
            for (int c = 0; c < BLOCK; c += L) {
                FloatVector w = Simd.signedFloats(Simd.loadBytes(data, block + 2 + c)).mul(d);
                int xi = x0 + i + c;
                acc0 = w.fma(FloatVector.fromArray(F, x, xi), acc0);
                acc1 = w.fma(FloatVector.fromArray(F, x, xi + n), acc1);
                acc2 = w.fma(FloatVector.fromArray(F, x, xi + 2 * n), acc2);
                acc3 = w.fma(FloatVector.fromArray(F, x, xi + 3 * n), acc3);
            }
        }
        out[o] = acc0.reduceLanes(VectorOperators.ADD);
        out[o + outStride] = acc1.reduceLanes(VectorOperators.ADD);
        out[o + 2 * outStride] = acc2.reduceLanes(VectorOperators.ADD);
        out[o + 3 * outStride] = acc3.reduceLanes(VectorOperators.ADD);
    }

    /**
     * Two weight rows against four activation rows per pass: eight accumulators, and each activation chunk
     * loaded once for both weight rows (prompt processing is bound by re-reading activations, not weights).
     */
    @Override public void dotBatchRows(long offset, int rows, float[] x, int n, int batch, float[] out, int outOffset, int outStride) {
        Tensor.dotBatchRowsInPairs(this, this::dot2x4, offset, rows, x, n, batch, out, outOffset, outStride);
    }

    private void dot2x4(long offset, float[] x, int x0, int n, float[] out, int o, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0;
        long first = offset / BLOCK * BLOCK_BYTES, second = (offset + n) / BLOCK * BLOCK_BYTES;
        for (int i = 0; i < n; i += BLOCK, first += BLOCK_BYTES, second += BLOCK_BYTES) {
            float d = f16(data, first), e = f16(data, second);
            for (int c = 0; c < BLOCK; c += L) {
                FloatVector w = Simd.signedFloats(Simd.loadBytes(data, first + 2 + c)).mul(d);
                FloatVector v = Simd.signedFloats(Simd.loadBytes(data, second + 2 + c)).mul(e);
                int xi = x0 + i + c;
                FloatVector x0v = FloatVector.fromArray(F, x, xi);
                a0 = w.fma(x0v, a0);
                c0 = v.fma(x0v, c0);
                FloatVector x1v = FloatVector.fromArray(F, x, xi + n);
                a1 = w.fma(x1v, a1);
                c1 = v.fma(x1v, c1);
                FloatVector x2v = FloatVector.fromArray(F, x, xi + 2 * n);
                a2 = w.fma(x2v, a2);
                c2 = v.fma(x2v, c2);
                FloatVector x3v = FloatVector.fromArray(F, x, xi + 3 * n);
                a3 = w.fma(x3v, a3);
                c3 = v.fma(x3v, c3);
            }
        }
        out[o] = a0.reduceLanes(VectorOperators.ADD);
        out[o + outStride] = a1.reduceLanes(VectorOperators.ADD);
        out[o + 2 * outStride] = a2.reduceLanes(VectorOperators.ADD);
        out[o + 3 * outStride] = a3.reduceLanes(VectorOperators.ADD);
        out[o + 1] = c0.reduceLanes(VectorOperators.ADD);
        out[o + 1 + outStride] = c1.reduceLanes(VectorOperators.ADD);
        out[o + 1 + 2 * outStride] = c2.reduceLanes(VectorOperators.ADD);
        out[o + 1 + 3 * outStride] = c3.reduceLanes(VectorOperators.ADD);
    }

    /** ggml's quantize_row_q8_0_ref: d = amax/127, q = roundf(x/d) (half away from zero). */
    public static byte[] quantize(float[] values) {
        byte[] out = new byte[Math.toIntExact(GgmlType.Q8_0.byteSize(values.length))];
        int blocks = values.length / BLOCK;
        MemorySegment seg = MemorySegment.ofArray(out);
        for (int b = 0; b < blocks; b++) {
            int base = b * BLOCK;
            float amax = 0f;
            for (int j = 0; j < BLOCK; j++) amax = Math.max(amax, Math.abs(values[base + j]));
            float d = amax / 127;
            float id = d != 0f ? 1f / d : 0f;
            seg.set(Simd.LE_SHORT, (long) b * BLOCK_BYTES, Float.floatToFloat16(d));
            for (int j = 0; j < BLOCK; j++) out[b * BLOCK_BYTES + 2 + j] = (byte) Simd.roundAway(values[base + j] * id);
        }
        return out;
    }
}
