package dev.muse.engine;

import java.lang.foreign.MemorySegment;

/**
 * A flat run of {@link #size()} elements of one {@link GgmlType}, backed by a {@link MemorySegment}
 * (usually a slice of a memory-mapped weight file: weights are never copied onto the heap).
 * Quantisation belongs here, not to models: a model calls {@link #dot} and never knows the format.
 *
 * <p>Every subtype has two kernels that must agree: {@link #dotReference} (plain scalar Java, the
 * specification) and {@link #dot} (the Vector API fast path). Offsets and lengths passed to
 * {@code dot}/{@code dequantize} are multiples of the type's block size.
 */
public sealed interface Tensor
        permits F32Tensor, F16Tensor, BF16Tensor, Q8_0Tensor, Q4_0Tensor, Q4_1Tensor, Q5_0Tensor, Q5_1Tensor, Q4_KTensor, Q5_KTensor, Q6_KTensor,
                ColumnBlockedTensor, Q4_0RowGroupTensor {

    GgmlType type();

    /** Number of elements. */
    long size();

    /** The raw bytes, exactly as GGUF stores them. */
    MemorySegment data();

    /** One element, dequantised (slow: for tests and odd lookups). */
    float get(long index);

    /** Writes elements [offset, offset+n) as floats into out[outOffset...]. */
    void dequantize(long offset, float[] out, int outOffset, int n);

    /** Vector API: sum of this[offset+i] * x[xOffset+i] for i in [0, n). */
    float dot(long offset, float[] x, int xOffset, int n);

    /**
     * Scalar reference for {@link #dot}, element by element through {@link #get}: the definition the fast
     * path of every type is tested against.
     */
    default float dotReference(long offset, float[] x, int xOffset, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i++) sum += get(offset + i) * x[xOffset + i];
        return sum;
    }

    /**
     * A run of a matrix-vector product: {@code out[outOffset + r] = dot(offset + r*n, x, xOffset, n)} for r in [0,
     * rows). Types with a kernel of their own for it override it (F16 converts rows in runs); the default is a dot
     * per row.
     */
    default void dotRows(long offset, int rows, float[] x, int xOffset, int n, float[] out, int outOffset) {
        for (int r = 0; r < rows; r++) out[outOffset + r] = dot(offset + (long) r * n, x, xOffset, n);
    }

    /**
     * Batched dot for prompt processing: for each b in [0, batch),
     * {@code out[outOffset + b*outStride] = dot(offset, x, b*n, n)}. Implementations that override it read
     * each weight block once for the whole batch; the default is the plain loop.
     */
    default void dotBatch(long offset, float[] x, int n, int batch, float[] out, int outOffset, int outStride) {
        for (int b = 0; b < batch; b++) out[outOffset + b * outStride] = dot(offset, x, b * n, n);
    }

    /**
     * A tile of a batched matmul: {@code rows} consecutive weight rows of {@code n} elements starting at
     * {@code offset}, against {@code batch} activation rows: {@code out[outOffset + b*outStride + r]} = dot of
     * weight row r with activation row b. Implementations that override it block weight rows and activation
     * rows in registers, so each activation load feeds several weight rows; the default is one row at a time.
     */
    default void dotBatchRows(long offset, int rows, float[] x, int n, int batch, float[] out, int outOffset, int outStride) {
        for (int r = 0; r < rows; r++) dotBatch(offset + (long) r * n, x, n, batch, out, outOffset + r, outStride);
    }

    /**
     * Computes two weight rows (at offset and offset + n) against four activation rows starting at x[x0]
     * (stride n), writing out[o + b*outStride] for the first row and out[o + 1 + b*outStride] for the second.
     */
    @FunctionalInterface
    interface TwoByFour {
        void compute(long offset, float[] x, int x0, int n, float[] out, int o, int outStride);
    }

    /**
     * {@link #dotBatchRows} for types with a two-by-four register-blocked kernel: pairs of weight rows in
     * groups of four activation rows, with plain dots for the leftovers.
     */
    static void dotBatchRowsInPairs(Tensor t, TwoByFour kernel, long offset, int rows, float[] x, int n, int batch,
                                    float[] out, int outOffset, int outStride) {
        int r = 0;
        for (; r + 2 <= rows; r += 2) {
            long row = offset + (long) r * n;
            int b = 0;
            for (; b + 4 <= batch; b += 4) kernel.compute(row, x, b * n, n, out, outOffset + r + b * outStride, outStride);
            for (; b < batch; b++) {
                out[outOffset + r + b * outStride] = t.dot(row, x, b * n, n);
                out[outOffset + r + 1 + b * outStride] = t.dot(row + n, x, b * n, n);
            }
        }
        if (r < rows) t.dotBatch(offset + (long) r * n, x, n, batch, out, outOffset + r, outStride);
    }

    /** A tensor of the given type over data holding exactly {@code type.byteSize(size)} bytes. */
    static Tensor of(GgmlType type, MemorySegment data, long size) {
        long expected = type.byteSize(size);
        if (data.byteSize() != expected)
            throw new IllegalArgumentException(type + " tensor of " + size + " elements needs " + expected + " bytes, got " + data.byteSize());
        return switch (type) {
            case F32 -> new F32Tensor(data, size);
            case F16 -> new F16Tensor(data, size);
            case BF16 -> new BF16Tensor(data, size);
            case Q8_0 -> new Q8_0Tensor(data, size);
            case Q4_0 -> new Q4_0Tensor(data, size);
            case Q4_1 -> new Q4_1Tensor(data, size);
            case Q5_0 -> new Q5_0Tensor(data, size);
            case Q5_1 -> new Q5_1Tensor(data, size);
            case Q4_K -> new Q4_KTensor(data, size);
            case Q5_K -> new Q5_KTensor(data, size);
            case Q6_K -> new Q6_KTensor(data, size);
            default -> throw new IllegalArgumentException("tensor type " + type + " is not supported yet");
        };
    }

    /** Encodes floats in the given type (the GGUF writer, `muse convert` and tests use it). */
    static byte[] quantize(GgmlType type, float[] values) {
        return switch (type) {
            case F32 -> F32Tensor.quantize(values);
            case F16 -> F16Tensor.quantize(values);
            case BF16 -> BF16Tensor.quantize(values);
            case Q8_0 -> Q8_0Tensor.quantize(values);
            case Q4_0 -> Q4_0Tensor.quantize(values);
            case Q4_1 -> Q4_1Tensor.quantize(values);
            case Q5_0 -> Q5_0Tensor.quantize(values);
            case Q5_1 -> Q5_1Tensor.quantize(values);
            case Q4_K -> Q4_KTensor.quantize(values);
            case Q5_K -> Q5_KTensor.quantize(values);
            case Q6_K -> Q6_KTensor.quantize(values);
            default -> throw new IllegalArgumentException("cannot quantize to " + type);
        };
    }

    /** A heap-backed tensor holding the given floats encoded as {@code type}. */
    static Tensor fromFloats(GgmlType type, float[] values) {
        return of(type, MemorySegment.ofArray(quantize(type, values)), values.length);
    }
}
