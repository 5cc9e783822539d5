package dev.muse.models.nn;

import dev.muse.engine.Ops;
import dev.muse.engine.Parallel;
import dev.muse.models.KvCache;
import java.util.Arrays;

/**
 * Grouped-query attention over per-sequence KV caches: each row's keys and values go into its own cache
 * at its own position, then each (row, head) attends to the positions its row may see. {@link #window}
 * is the sliding window: a row at position p sees keys at p - window + 1 and later (itself and the
 * window - 1 before it, as llama.cpp's LLAMA_SWA_TYPE_STANDARD: masked when p - key >= window); 0 means
 * no window. Whatever the window, a row never sees past its {@link Rows#visible()} bound, and a row of a
 * bidirectional step sees the rest of its step, which lies after it and so is never cut by the window.
 */
public record Attention(Ops ops, int heads, int kvHeads, int headSize, float scale, int window) {
    public Attention {
        if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0 || headSize <= 0 || window < 0)
            throw new IllegalArgumentException("invalid attention shape: " + heads + " heads, " + kvHeads + " KV heads of " + headSize + ", window " + window);
    }

    public int queryDim() { return heads * headSize; }

    public int kvDim() { return kvHeads * headSize; }

    /** First cache position a row at {@code position} may see. */
    public int firstVisible(int position) {
        return window == 0 ? 0 : Math.max(0, position - window + 1);
    }

    /** Writes row r's key and value ([rows, kvDim] each) at its position in its cache's layer {@code layer}. */
    public void store(int layer, Rows in, float[] k, float[] v) {
        int kvDim = kvDim();
        for (int r = 0; r < in.size(); r++) {
            System.arraycopy(k, r * kvDim, in.caches()[r].keys(layer), in.positions()[r] * kvDim, kvDim);
            System.arraycopy(v, r * kvDim, in.caches()[r].values(layer), in.positions()[r] * kvDim, kvDim);
        }
    }

    /** Query rows per block: a block's queries meet its keys and values in one {@link Ops#attention} call per head. */
    private static final int BLOCK_ROWS = 16;

    /**
     * out[r, h] = softmax(scale * q[r, h] · K) · V over the positions row r sees in layer {@code layer} of its cache.
     * Rows go in blocks of consecutive rows of one cache, per head: the block's scores are one product of its queries
     * with the keys it sees (positions a row may not see are left out of its softmax and weigh 0), and its outputs
     * one product of those weights with the values (a prompt of 512 tokens spent a seventh of its time in a loop of
     * dot products per row and position before). out may be q: a block reads its queries of one head before it writes
     * that head's outputs for the same rows, and no other block reads them.
     */
    public void attend(int layer, Rows in, float[] q, float[] out) {
        int[] starts = blocks(in);
        Block[] blocks = new Block[starts.length - 1];
        int items = 0;
        for (int b = 0; b < blocks.length; b++) {
            blocks[b] = block(in, starts[b], starts[b + 1]);
            items += blocks[b].single() ? kvHeads : heads;
        }
        // Work items: (block, head), or (block, KV head) for a block of one row, its group of query heads as one call
        int[] itemBlock = new int[items], itemHead = new int[items];
        for (int b = 0, i = 0; b < blocks.length; b++)
            for (int h = 0; h < (blocks[b].single() ? kvHeads : heads); h++, i++) {
                itemBlock[i] = b;
                itemHead[i] = h;
            }
        Parallel.forRange(items, item -> {
            Block b = blocks[itemBlock[item]];
            if (b.single()) attendGroup(layer, in, q, out, b, itemHead[item]);
            else attendBlock(layer, in, q, out, b, itemHead[item]);
        });
    }

    /**
     * Rows r0 .. r1 - 1 of one cache: the positions first .. first + length - 1 they see between them, and each row's own
     * range within (a block of one row repeats its range for each query head of a KV head's group).
     */
    private record Block(int r0, int r1, int first, int length, int[] from, int[] to) {
        /** One row: a generation step. */
        boolean single() { return r1 - r0 == 1; }
    }

    private Block block(Rows in, int r0, int r1) {
        int first = Integer.MAX_VALUE, end = 0;
        for (int r = r0; r < r1; r++) {
            first = Math.min(first, firstVisible(in.positions()[r]));
            end = Math.max(end, in.visible()[r]);
        }
        int n = r1 - r0 == 1 ? heads / kvHeads : r1 - r0;
        int[] from = new int[n], to = new int[n];
        for (int i = 0; i < n; i++) {
            int r = r1 - r0 == 1 ? r0 : r0 + i;
            from[i] = firstVisible(in.positions()[r]) - first;
            to[i] = in.visible()[r] - first;
        }
        return new Block(r0, r1, first, end - first, from, to);
    }

    /** Block boundaries: runs of at most BLOCK_ROWS consecutive rows sharing a cache, then in.size(). */
    private static int[] blocks(Rows in) {
        int[] starts = new int[in.size() + 1];
        int count = 0;
        for (int r = 0; r < in.size(); r++)
            if (r == 0 || in.caches()[r] != in.caches()[r - 1] || r - starts[count - 1] == BLOCK_ROWS) starts[count++] = r;
        starts[count++] = in.size();
        return Arrays.copyOf(starts, count);
    }

    /**
     * One row's query heads that share KV head {@code g}, as the rows of one {@link Ops#attention} call: their keys and
     * values are read once for the group, not once per head (a generation step over a long context spent most of its
     * attention time reading them again per head).
     */
    private void attendGroup(int layer, Rows in, float[] q, float[] out, Block b, int g) {
        KvCache cache = in.caches()[b.r0()];
        int group = heads / kvHeads, qOff = b.r0() * queryDim() + g * group * headSize;
        ops.attention(q, qOff, headSize, cache.keys(layer), cache.values(layer), b.first() * kvDim() + g * headSize, kvDim(),
                b.length(), b.from(), b.to(), group, headSize, scale, out, qOff, headSize);
    }

    private void attendBlock(int layer, Rows in, float[] q, float[] out, Block b, int h) {
        KvCache cache = in.caches()[b.r0()];
        int qDim = queryDim(), kvDim = kvDim(), kvOff = (h / (heads / kvHeads)) * headSize;
        ops.attention(q, b.r0() * qDim + h * headSize, qDim, cache.keys(layer), cache.values(layer), b.first() * kvDim + kvOff, kvDim,
                b.length(), b.from(), b.to(), b.r1() - b.r0(), headSize, scale, out, b.r0() * qDim + h * headSize, qDim);
    }
}
