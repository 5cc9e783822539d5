package dev.muse.models.nn;

import dev.muse.engine.Kernels;
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
public record Attention(int heads, int kvHeads, int headSize, float scale, int window) {
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

    /** out[r, h] = softmax(scale * q[r, h] · K) · V over the positions row r sees in layer {@code layer} of its cache. */
    public void attend(int layer, Rows in, float[] q, float[] out) {
        int rows = in.size(), qDim = queryDim(), kvDim = kvDim(), group = heads / kvHeads;
        KvCache[] caches = in.caches();
        Parallel.forRange(rows * heads, item -> {
            int r = item / heads, h = item % heads;
            float[] keys = caches[r].keys(layer), values = caches[r].values(layer);
            int first = firstVisible(in.positions()[r]), length = in.visible()[r] - first;
            int qOff = r * qDim + h * headSize, kvOff = (h / group) * headSize;
            float[] scores = new float[length];
            for (int t = 0; t < length; t++) scores[t] = Kernels.dot(q, qOff, keys, (first + t) * kvDim + kvOff, headSize) * scale;
            Kernels.softmax(scores, 0, length);
            int o = r * qDim + h * headSize;
            Arrays.fill(out, o, o + headSize, 0f);
            for (int t = 0; t < length; t++) {
                float s = scores[t];
                int base = (first + t) * kvDim + kvOff;
                for (int i = 0; i < headSize; i++) out[o + i] += s * values[base + i];
            }
        });
    }
}
