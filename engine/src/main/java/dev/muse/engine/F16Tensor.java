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

    /** Per kernel thread: weight rows converted to floats ({@link #dotRows}, {@link #vecmat}). */
    private static final ThreadLocal<float[]> FOUR_ROWS = ThreadLocal.withInitial(() -> new float[0]);
    /**
     * Floats converted at a time in the matrix-vector kernels (16 KiB, beside x in the 32 KiB L1): four rows that fit
     * go together, wider rows one at a time, in runs of this many. Four rows' slices side by side were four short
     * streams, which the hardware prefetcher follows badly (Whisper small's 768-wide rows in slices of 512: 12.5
     * GB/s, against 33 for tiny's 384-wide rows converted whole).
     */
    private static final int RUN = 4096;

    /**
     * Rows of a matrix-vector product, converted with {@link #toFloats} and multiplied by x in floats: four narrow
     * rows at a time, four accumulators sharing each load of x, or a wide row at a time with four accumulators over
     * its chunks. 1.8x the speed of {@link #dot}'s bit arithmetic per chunk on the 40 MB logits matrix of Whisper
     * tiny (2 threads, AVX-512: 1.22 against 2.2 ms, which is the memory's bandwidth).
     */
    @Override public void dotRows(long offset, int rows, float[] x, int xOffset, int n, float[] out, int outOffset) {
        float[] converted = FOUR_ROWS.get();
        if (converted.length < RUN) FOUR_ROWS.set(converted = new float[RUN]);
        int r = 0;
        if (4 * n <= RUN) {
            int whole = n - n % L;
            for (; r + 4 <= rows; r += 4) {
                toFloats(offset + (long) r * n, converted, 0, 4 * n);
                FloatVector acc0 = FloatVector.zero(F), acc1 = acc0, acc2 = acc0, acc3 = acc0;
                for (int i = 0; i < whole; i += L) {
                    FloatVector xv = FloatVector.fromArray(F, x, xOffset + i);
                    acc0 = FloatVector.fromArray(F, converted, i).fma(xv, acc0);
                    acc1 = FloatVector.fromArray(F, converted, n + i).fma(xv, acc1);
                    acc2 = FloatVector.fromArray(F, converted, 2 * n + i).fma(xv, acc2);
                    acc3 = FloatVector.fromArray(F, converted, 3 * n + i).fma(xv, acc3);
                }
                float s0 = acc0.reduceLanes(VectorOperators.ADD), s1 = acc1.reduceLanes(VectorOperators.ADD);
                float s2 = acc2.reduceLanes(VectorOperators.ADD), s3 = acc3.reduceLanes(VectorOperators.ADD);
                for (int i = whole; i < n; i++) {
                    s0 += converted[i] * x[xOffset + i];
                    s1 += converted[n + i] * x[xOffset + i];
                    s2 += converted[2 * n + i] * x[xOffset + i];
                    s3 += converted[3 * n + i] * x[xOffset + i];
                }
                out[outOffset + r] = s0;
                out[outOffset + r + 1] = s1;
                out[outOffset + r + 2] = s2;
                out[outOffset + r + 3] = s3;
            }
        }
        for (; r < rows; r++) {
            FloatVector acc0 = FloatVector.zero(F), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            float tail = 0;
            for (int c = 0; c < n; c += RUN) {
                int length = Math.min(RUN, n - c), i = 0;
                toFloats(offset + (long) r * n + c, converted, 0, length);
                for (; i + 4 * L <= length; i += 4 * L) {
                    acc0 = FloatVector.fromArray(F, converted, i).fma(FloatVector.fromArray(F, x, xOffset + c + i), acc0);
                    acc1 = FloatVector.fromArray(F, converted, i + L).fma(FloatVector.fromArray(F, x, xOffset + c + i + L), acc1);
                    acc2 = FloatVector.fromArray(F, converted, i + 2 * L).fma(FloatVector.fromArray(F, x, xOffset + c + i + 2 * L), acc2);
                    acc3 = FloatVector.fromArray(F, converted, i + 3 * L).fma(FloatVector.fromArray(F, x, xOffset + c + i + 3 * L), acc3);
                }
                for (; i + L <= length; i += L) acc0 = FloatVector.fromArray(F, converted, i).fma(FloatVector.fromArray(F, x, xOffset + c + i), acc0);
                for (; i < length; i++) tail += converted[i] * x[xOffset + c + i];
            }
            out[outOffset + r] = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD) + tail;
        }
    }

    /**
     * out[c] = sum over r of a[aOff + r] * this[r, c], for this as a [rows, cols] matrix, with no horizontal sums (a
     * Whisper head's 1,500 keys of 64 spent most of their time in them as dot products). Narrow rows go four at a
     * time, converted as one run, each chunk of out loaded and stored once per four rows; wide rows one at a time, a
     * slice after another, so that the matrix is read as one ascending stream (four rows' slices side by side were
     * four streams of 3 KB each, too short for the hardware prefetcher).
     */
    void vecmat(float[] a, int aOff, float[] out, int outOff, int rows, int cols) {
        java.util.Arrays.fill(out, outOff, outOff + cols, 0f);
        float[] converted = FOUR_ROWS.get();
        if (converted.length < RUN) FOUR_ROWS.set(converted = new float[RUN]);
        int r = 0, whole = cols - cols % L;
        if (4 * cols <= RUN) {
            for (; r + 4 <= rows; r += 4) {
                toFloats((long) r * cols, converted, 0, 4 * cols);
                float a0 = a[aOff + r], a1 = a[aOff + r + 1], a2 = a[aOff + r + 2], a3 = a[aOff + r + 3];
                FloatVector b0 = FloatVector.broadcast(F, a0), b1 = FloatVector.broadcast(F, a1);
                FloatVector b2 = FloatVector.broadcast(F, a2), b3 = FloatVector.broadcast(F, a3);
                for (int i = 0; i < whole; i += L) {
                    FloatVector sum = FloatVector.fromArray(F, converted, i).fma(b0, FloatVector.fromArray(F, out, outOff + i));
                    sum = FloatVector.fromArray(F, converted, cols + i).fma(b1, sum);
                    sum = FloatVector.fromArray(F, converted, 2 * cols + i).fma(b2, sum);
                    FloatVector.fromArray(F, converted, 3 * cols + i).fma(b3, sum).intoArray(out, outOff + i);
                }
                for (int i = whole; i < cols; i++) {
                    out[outOff + i] += converted[i] * a0 + converted[cols + i] * a1 + converted[2 * cols + i] * a2
                            + converted[3 * cols + i] * a3;
                }
            }
        }
        int width = RUN;
        for (; r < rows; r++) {
            FloatVector b = FloatVector.broadcast(F, a[aOff + r]);
            for (int c = 0; c < cols; c += width) {
                int length = Math.min(width, cols - c), chunks = length - length % L;
                toFloats((long) r * cols + c, converted, 0, length);
                for (int i = 0; i < chunks; i += L) {
                    int o = outOff + c + i;
                    FloatVector.fromArray(F, converted, i).fma(b, FloatVector.fromArray(F, out, o)).intoArray(out, o);
                }
                for (int i = chunks; i < length; i++) out[outOff + c + i] += converted[i] * a[aOff + r];
            }
        }
    }

    /**
     * Elements [index, index + n) as floats into out[outOffset...]: a plain loop over {@link Float#float16ToFloat}, which C2 compiles to
     * the CPU's vector conversion (F16C/AVX-512 on x86, FP16 on ARM), one instruction per chunk where
     * {@link Simd#halfToFloat} needs nine. The same loop is written twice, for memory outside the heap (mapped
     * weights) and inside it (half-precision caches over a short[]): one loop that has met both kinds of segment
     * is compiled for either, and ran 200 times slower than either alone (10 against 0.05 ns an element).
     */
    private void toFloats(long index, float[] out, int outOffset, int n) {
        if (data.isNative()) outsideHeapToFloats(data, index, out, outOffset, n);
        else heapToFloats(data, index, out, outOffset, n);
    }

    private static void outsideHeapToFloats(MemorySegment halves, long index, float[] out, int outOffset, int n) {
        for (int i = 0; i < n; i++) out[outOffset + i] = Float.float16ToFloat(halves.get(LE_SHORT, (index + i) * 2));
    }

    private static void heapToFloats(MemorySegment halves, long index, float[] out, int outOffset, int n) {
        for (int i = 0; i < n; i++) out[outOffset + i] = Float.float16ToFloat(halves.get(LE_SHORT, (index + i) * 2));
    }

    /** Round-to-nearest-even, like ggml's GGML_FP32_TO_FP16. */
    public static byte[] quantize(float[] values) {
        byte[] out = new byte[values.length * 2];
        MemorySegment seg = MemorySegment.ofArray(out);
        for (int i = 0; i < values.length; i++) seg.set(LE_SHORT, i * 2L, Float.floatToFloat16(values[i]));
        return out;
    }
}
