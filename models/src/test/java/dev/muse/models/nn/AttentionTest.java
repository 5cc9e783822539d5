package dev.muse.models.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.muse.engine.Ops;
import dev.muse.models.KvCache;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The attention mask as llama.cpp builds it (llama_kv_cache::set_input_kq_mask): a key at position t is
 * hidden from a query at position p when the attention is causal and t > p, or when a sliding window
 * applies and p - t >= window. Muse's rows express "causal" as a visible bound per row; this checks that the
 * bound and the window compose into exactly that mask, for causal rows and for rows of a bidirectional step.
 */
class AttentionTest {
    static final int HEADS = 4, KV_HEADS = 2, HEAD = 8, LENGTH = 40;

    @Test
    void theWindowKeepsTheQueryAndTheWindowMinusOneBeforeIt() {
        Attention a = new Attention(Ops.cpu(), HEADS, KV_HEADS, HEAD, 1f, 16);
        assertEquals(0, a.firstVisible(0));
        assertEquals(0, a.firstVisible(15));
        assertEquals(1, a.firstVisible(16));
        assertEquals(5, a.firstVisible(20));
        assertEquals(0, new Attention(Ops.cpu(), HEADS, KV_HEADS, HEAD, 1f, 0).firstVisible(1000));
    }

    @Test
    void causalAndBidirectionalRowsSeeWhatLlamaCppsMaskShows() {
        for (int window : new int[] {0, 1, 5, 16}) {
            KvCache cache = new KvCache(1, LENGTH, KV_HEADS * HEAD);
            cache.append(LENGTH);
            SplittableRandom random = new SplittableRandom(window);
            for (int i = 0; i < LENGTH * KV_HEADS * HEAD; i++) {
                cache.keys(0)[i] = (float) random.nextGaussian();
                cache.values(0)[i] = (float) random.nextGaussian();
            }
            // rows 0-2 causal at positions 3, 17, 25; rows 3-8 a bidirectional step at positions 26-31
            int[] positions = {3, 17, 25, 26, 27, 28, 29, 30, 31};
            boolean[] bidirectional = {false, false, false, true, true, true, true, true, true};
            Rows rows = new Rows(positions.length);
            for (int r = 0; r < positions.length; r++) {
                rows.caches()[r] = cache;
                rows.positions()[r] = positions[r];
                rows.visible()[r] = bidirectional[r] ? 32 : positions[r] + 1;
            }
            float[] q = new float[positions.length * HEADS * HEAD];
            for (int i = 0; i < q.length; i++) q[i] = (float) random.nextGaussian();
            float scale = 0.3f;
            float[] out = new float[q.length];
            new Attention(Ops.cpu(), HEADS, KV_HEADS, HEAD, scale, window).attend(0, rows, q, out);
            for (int r = 0; r < positions.length; r++)
                for (int h = 0; h < HEADS; h++)
                    for (int i = 0; i < HEAD; i++)
                        assertEquals(reference(cache, q, r, h, positions[r], !bidirectional[r], bidirectional[r] ? 31 : positions[r], window, scale)[i],
                                out[(r * HEADS + h) * HEAD + i], 1e-5, "window " + window + ", row " + r + ", head " + h);
        }
    }

    /** Generation steps: one row per cache, whose KV head's query heads go as one call, see what the reference sees. */
    @Test
    void singleRowsOfSeveralCachesAttendPerGroupOfHeads() {
        for (int window : new int[] {0, 7}) {
            SplittableRandom random = new SplittableRandom(100 + window);
            KvCache[] caches = new KvCache[2];
            for (int c = 0; c < 2; c++) {
                caches[c] = new KvCache(1, LENGTH, KV_HEADS * HEAD);
                caches[c].append(LENGTH);
                for (int i = 0; i < LENGTH * KV_HEADS * HEAD; i++) {
                    caches[c].keys(0)[i] = (float) random.nextGaussian();
                    caches[c].values(0)[i] = (float) random.nextGaussian();
                }
            }
            int[] positions = {20, 30, 11}, cacheOf = {0, 1, 0};
            Rows rows = new Rows(positions.length);
            for (int r = 0; r < positions.length; r++) {
                rows.caches()[r] = caches[cacheOf[r]];
                rows.positions()[r] = positions[r];
                rows.visible()[r] = positions[r] + 1;
            }
            float[] q = new float[positions.length * HEADS * HEAD];
            for (int i = 0; i < q.length; i++) q[i] = (float) random.nextGaussian();
            float[] out = q.clone();
            new Attention(Ops.cpu(), HEADS, KV_HEADS, HEAD, 0.3f, window).attend(0, rows, out, out); // in place, as the models call it
            for (int r = 0; r < positions.length; r++)
                for (int h = 0; h < HEADS; h++)
                    for (int i = 0; i < HEAD; i++)
                        assertEquals(reference(caches[cacheOf[r]], q, r, h, positions[r], true, positions[r], window, 0.3f)[i],
                                out[(r * HEADS + h) * HEAD + i], 1e-5, "window " + window + ", row " + r + ", head " + h);
        }
    }

    /** Attention of one head over every cached position, masked by llama.cpp's rule; lastInBatch bounds the cache as decoded so far. */
    private static float[] reference(KvCache cache, float[] q, int r, int h, int p, boolean causal, int lastInBatch, int window, float scale) {
        int kvDim = KV_HEADS * HEAD, kvOff = (h / (HEADS / KV_HEADS)) * HEAD, qOff = (r * HEADS + h) * HEAD;
        double[] w = new double[LENGTH];
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < LENGTH; t++) {
            boolean masked = t > lastInBatch || (causal && t > p) || (window > 0 && p - t >= window);
            if (masked) { w[t] = Double.NaN; continue; }
            double dot = 0;
            for (int i = 0; i < HEAD; i++) dot += q[qOff + i] * cache.keys(0)[t * kvDim + kvOff + i];
            w[t] = dot * scale;
            max = Math.max(max, w[t]);
        }
        double sum = 0;
        for (int t = 0; t < LENGTH; t++) if (!Double.isNaN(w[t])) sum += w[t] = Math.exp(w[t] - max);
        float[] out = new float[HEAD];
        for (int t = 0; t < LENGTH; t++)
            if (!Double.isNaN(w[t])) for (int i = 0; i < HEAD; i++) out[i] += (float) (w[t] / sum * cache.values(0)[t * kvDim + kvOff + i]);
        return out;
    }
}
