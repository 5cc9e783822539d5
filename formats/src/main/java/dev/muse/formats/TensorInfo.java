package dev.muse.formats;

import dev.muse.engine.GgmlType;
import java.util.Arrays;

/**
 * Where one tensor lives in a weight file. {@code shape} is in ggml order: shape[0] is the innermost
 * (contiguous) dimension, so a matrix with R rows of C columns has shape {C, R}.
 */
public record TensorInfo(String name, GgmlType type, long[] shape, long offset) {
    public TensorInfo {
        shape = shape.clone();
    }

    @Override public long[] shape() { return shape.clone(); }

    public long elements() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    public long byteSize() { return type.byteSize(elements()); }

    public int dimensions() { return shape.length; }

    public long dim(int i) { return i < shape.length ? shape[i] : 1; }

    @Override public String toString() {
        return name + " " + type + " " + Arrays.toString(shape);
    }
}
