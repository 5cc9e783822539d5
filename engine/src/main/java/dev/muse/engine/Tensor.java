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
        permits F32Tensor {

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

    /** Scalar reference for {@link #dot}; the fast path is tested against it. */
    float dotReference(long offset, float[] x, int xOffset, int n);

    /**
     * Batched dot for prompt processing: for each b in [0, batch),
     * {@code out[outOffset + b*outStride] = dot(offset, x, b*n, n)}. Implementations that override it read
     * each weight block once for the whole batch; the default is the plain loop.
     */
    default void dotBatch(long offset, float[] x, int n, int batch, float[] out, int outOffset, int outStride) {
        for (int b = 0; b < batch; b++) out[outOffset + b * outStride] = dot(offset, x, b * n, n);
    }

    /** A tensor of the given type over data holding exactly {@code type.byteSize(size)} bytes. */
    static Tensor of(GgmlType type, MemorySegment data, long size) {
        long expected = type.byteSize(size);
        if (data.byteSize() != expected)
            throw new IllegalArgumentException(type + " tensor of " + size + " elements needs " + expected + " bytes, got " + data.byteSize());
        return switch (type) {
            case F32 -> new F32Tensor(data, size);
            default -> throw new IllegalArgumentException("tensor type " + type + " is not supported yet");
        };
    }

    /** Encodes floats in the given type (the GGUF writer, `muse convert` and tests use it). */
    static byte[] quantize(GgmlType type, float[] values) {
        return switch (type) {
            case F32 -> F32Tensor.quantize(values);
            default -> throw new IllegalArgumentException("cannot quantize to " + type);
        };
    }

    /** A heap-backed tensor holding the given floats encoded as {@code type}. */
    static Tensor fromFloats(GgmlType type, float[] values) {
        return of(type, MemorySegment.ofArray(quantize(type, values)), values.length);
    }
}
