package dev.muse.text;

/**
 * The BPE merge table keyed by token ids: (left id, right id) gives the merge's rank (its line in
 * {@code tokenizer.ggml.merges}, lower merges first) and the id of the merged piece. Open addressing
 * over primitive longs, because Llama 3 has 280k merges and the merge loop looks one up per candidate pair.
 */
final class MergeRanks {

    private static final long EMPTY = -1L;

    private final long[] keys;
    private final long[] values;
    private final int mask;
    private int size;

    MergeRanks(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        values = new long[capacity];
        mask = capacity - 1;
        java.util.Arrays.fill(keys, EMPTY);
    }

    /**
     * Reads "left right" merge lines against a token index. A line whose parts or result are not in
     * the vocabulary can never fire and is skipped; a repeated pair keeps its first (best) rank.
     */
    static MergeRanks of(String[] merges, VocabularyIndex index) {
        MergeRanks ranks = new MergeRanks(merges.length);
        for (int rank = 0; rank < merges.length; rank++) {
            String merge = merges[rank];
            // Search from 1: a piece may itself begin with a space (llama.cpp does the same).
            int space = merge.indexOf(' ', 1);
            if (space < 0) {
                throw new IllegalArgumentException("merge " + rank + " is not \"left right\": " + merge);
            }
            String left = merge.substring(0, space);
            String right = merge.substring(space + 1);
            int leftId = index.id(left);
            int rightId = index.id(right);
            int mergedId = index.id(left + right);
            if (leftId >= 0 && rightId >= 0 && mergedId >= 0) {
                ranks.putIfAbsent(leftId, rightId, rank, mergedId);
            }
        }
        return ranks;
    }

    int size() {
        return size;
    }

    /** Packed (rank &lt;&lt; 32 | merged id), or -1 when the pair never merges. */
    long find(int leftId, int rightId) {
        long key = key(leftId, rightId);
        for (int slot = slot(key); ; slot = (slot + 1) & mask) {
            long k = keys[slot];
            if (k == key) {
                return values[slot];
            }
            if (k == EMPTY) {
                return -1;
            }
        }
    }

    static int rank(long found) {
        return (int) (found >>> 32);
    }

    static int mergedId(long found) {
        return (int) found;
    }

    private void putIfAbsent(int leftId, int rightId, int rank, int mergedId) {
        long key = key(leftId, rightId);
        int slot = slot(key);
        while (keys[slot] != EMPTY) {
            if (keys[slot] == key) {
                return;
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        values[slot] = ((long) rank << 32) | (mergedId & 0xFFFFFFFFL);
        size++;
    }

    private static long key(int leftId, int rightId) {
        return ((long) leftId << 32) | (rightId & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & mask;
    }
}
