package dev.muse.models;

import java.util.Arrays;

/**
 * Keys and values of one sequence for every layer: up to {@code layers x capacity x kvDim} floats each.
 * {@link #length()} is how many positions are filled; a model appends, a caller may rewind to reuse a
 * shared prefix. Memory grows with use (doubling, up to the capacity), so a server can hold many
 * sequences with large context windows and pay only for the tokens they actually have.
 */
public final class KvCache implements SequenceState {
    private static final int FIRST_RESERVATION = 64;

    private final float[][] keys;
    private final float[][] values;
    private final int capacity;
    private final int kvDim;
    private int reserved;
    private int length;

    public KvCache(int layers, int capacity, int kvDim) {
        if (capacity <= 0) throw new IllegalArgumentException("KV cache capacity must be positive");
        this.capacity = capacity;
        this.kvDim = kvDim;
        long floats = (long) capacity * kvDim;
        if (floats > Integer.MAX_VALUE) throw new IllegalArgumentException("KV cache of " + capacity + " x " + kvDim + " is too large for one layer");
        keys = new float[layers][0];
        values = new float[layers][0];
    }

    @Override public int capacity() { return capacity; }

    @Override public int length() { return length; }

    public int kvDim() { return kvDim; }

    public float[] keys(int layer) { return keys[layer]; }

    public float[] values(int layer) { return values[layer]; }

    /** Replaces this cache's content with the first {@code positions} keys and values of {@code state} (a shared prefix). */
    @Override public void copyPrefixFrom(SequenceState state, int positions) {
        if (!(state instanceof KvCache source) || source.keys.length != keys.length || source.kvDim != kvDim)
            throw new IllegalArgumentException("KV caches of different models");
        if (positions < 0 || positions > source.length || positions > capacity)
            throw new IllegalArgumentException("cannot copy " + positions + " positions from a cache holding " + source.length);
        length = 0;
        append(positions);
        for (int l = 0; l < keys.length; l++) {
            System.arraycopy(source.keys[l], 0, keys[l], 0, positions * kvDim);
            System.arraycopy(source.values[l], 0, values[l], 0, positions * kvDim);
        }
    }

    @Override public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) throw new IllegalArgumentException("cannot truncate " + length + " positions to " + newLength);
        length = newLength;
    }

    /** Reserves {@code count} more positions and returns the first of them; fails clearly when full. */
    public int append(int count) {
        if (count > capacity - length)
            throw new ContextOverflowException(length + count, capacity);
        if (length + count > reserved) reserve(Math.min(capacity, Math.max(length + count, Math.max(FIRST_RESERVATION, 2 * reserved))));
        int start = length;
        length += count;
        return start;
    }

    private void reserve(int positions) {
        for (int l = 0; l < keys.length; l++) {
            keys[l] = Arrays.copyOf(keys[l], positions * kvDim);
            values[l] = Arrays.copyOf(values[l], positions * kvDim);
        }
        reserved = positions;
    }

    @Override public long byteSize() { return 2L * keys.length * reserved * kvDim * Float.BYTES; }

    @Override public long capacityBytes() { return 2L * keys.length * capacity * kvDim * Float.BYTES; }
}
