package dev.muse.models;

/**
 * Keys and values of one sequence for every layer: {@code layers x capacity x kvDim} floats each.
 * {@link #length()} is how many positions are filled; a model appends, a caller may rewind to reuse a
 * shared prefix.
 */
public final class KvCache {
    final float[][] keys;
    final float[][] values;
    private final int capacity;
    private final int kvDim;
    private int length;

    public KvCache(int layers, int capacity, int kvDim) {
        if (capacity <= 0) throw new IllegalArgumentException("KV cache capacity must be positive");
        this.capacity = capacity;
        this.kvDim = kvDim;
        long floats = (long) capacity * kvDim;
        if (floats > Integer.MAX_VALUE) throw new IllegalArgumentException("KV cache of " + capacity + " x " + kvDim + " is too large for one layer");
        keys = new float[layers][(int) floats];
        values = new float[layers][(int) floats];
    }

    public int capacity() { return capacity; }

    public int length() { return length; }

    public int kvDim() { return kvDim; }

    public float[] keys(int layer) { return keys[layer]; }

    public float[] values(int layer) { return values[layer]; }

    /** Forgets everything after the first {@code newLength} positions. */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) throw new IllegalArgumentException("cannot truncate " + length + " positions to " + newLength);
        length = newLength;
    }

    /** Reserves {@code count} more positions and returns the first of them; fails clearly when full. */
    public int append(int count) {
        if (count > capacity - length)
            throw new ContextOverflowException(length + count, capacity);
        int start = length;
        length += count;
        return start;
    }

    /** Bytes held by this cache. */
    public long byteSize() { return 2L * keys.length * capacity * kvDim * Float.BYTES; }
}
