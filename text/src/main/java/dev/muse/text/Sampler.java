package dev.muse.text;

import dev.muse.engine.ActivationKernels;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits, in llama.cpp's default order: penalties over recent tokens, then
 * top-k, top-p and min-p (on the untempered distribution), then temperature, then a seeded draw.
 * Temperature 0 is greedy. The same settings, seed and history give the same tokens.
 */
public final class Sampler {
    /**
     * @param temperature 0 for greedy
     * @param topK keep the k most likely tokens (0: all)
     * @param topP keep the smallest set whose probability reaches p (1: all)
     * @param minP drop tokens less likely than minP times the most likely (0: none)
     * @param repetitionPenalty divide positive / multiply negative logits of recent tokens (1: off)
     * @param presencePenalty subtract from the logit of every recent token (0: off)
     * @param frequencyPenalty subtract this times the recent count (0: off)
     * @param penaltyWindow how many recent tokens the penalties look at
     */
    public record Settings(float temperature, int topK, float topP, float minP, float repetitionPenalty,
                           float presencePenalty, float frequencyPenalty, int penaltyWindow, long seed) {
        public Settings {
            if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
            if (topK < 0) throw new IllegalArgumentException("top_k must be >= 0, got " + topK);
            if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
            if (!(minP >= 0 && minP <= 1)) throw new IllegalArgumentException("min_p must be in [0, 1], got " + minP);
            if (!(repetitionPenalty > 0)) throw new IllegalArgumentException("repetition penalty must be > 0, got " + repetitionPenalty);
            if (penaltyWindow < 0) throw new IllegalArgumentException("penalty window must be >= 0");
        }

        public static Settings greedy() { return new Settings(0f, 0, 1f, 0f, 1f, 0f, 0f, 64, 0); }

        /** llama.cpp's defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05. */
        public static Settings defaults(long seed) { return new Settings(0.8f, 40, 0.95f, 0.05f, 1f, 0f, 0f, 64, seed); }

        public Settings withTemperature(float t) {
            return new Settings(t, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty, penaltyWindow, seed);
        }

        public Settings withSeed(long s) {
            return new Settings(temperature, topK, topP, minP, repetitionPenalty, presencePenalty, frequencyPenalty, penaltyWindow, s);
        }
    }

    private final Settings settings;
    private final SplittableRandom random;
    /** Sampling weights over the vocabulary, reused from token to token. */
    private float[] weights = new float[0];

    public Sampler(Settings settings) {
        this.settings = settings;
        this.random = new SplittableRandom(settings.seed());
    }

    public Settings settings() { return settings; }

    /** Picks a token. logits is modified in place by the penalties; history holds the tokens so far. */
    public int sample(float[] logits, int[] history, int historyLength) {
        applyPenalties(logits, history, historyLength);
        if (settings.temperature() == 0f) return argmax(logits);
        if (settings.topK() == 0 && settings.topP() >= 1f && settings.minP() <= 0f) return drawFromAll(logits);
        int[] candidates = sortedByLogit(logits, settings.topK());
        int keep = candidates.length;
        double[] p = softmax(logits, candidates, keep, 1f);
        keep = topP(p, keep);
        keep = minP(p, keep);
        p = softmax(logits, candidates, keep, settings.temperature());
        double u = random.nextDouble(), cumulative = 0;
        for (int i = 0; i < keep; i++) {
            cumulative += p[i];
            if (u < cumulative) return candidates[i];
        }
        return candidates[keep - 1];
    }

    /**
     * A draw from softmax(logits / temperature) over the whole vocabulary, with no candidate list: weights in id
     * order, one uniform draw against their running sum. Sorting a 128k vocabulary to sample from all of it cost
     * about 10 ms a token, on the thread that steps every sequence of the model.
     */
    private int drawFromAll(float[] logits) {
        float max = logits[argmax(logits)];
        if (weights.length < logits.length) weights = new float[logits.length];
        float total = ActivationKernels.expSum(logits, logits.length, max, 1f / settings.temperature(), weights);
        double u = random.nextDouble() * total, cumulative = 0;
        for (int i = 0; i < logits.length; i++) {
            cumulative += weights[i];
            if (u < cumulative) return i;
        }
        int last = logits.length - 1; // float rounding left u past the running sum: the last token that can be drawn
        while (last > 0 && weights[last] == 0f) last--;
        return last;
    }

    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    private void applyPenalties(float[] logits, int[] history, int historyLength) {
        Settings s = settings;
        if (s.repetitionPenalty() == 1f && s.presencePenalty() == 0f && s.frequencyPenalty() == 0f) return;
        int from = Math.max(0, historyLength - s.penaltyWindow());
        int[] seen = Arrays.copyOfRange(history, from, historyLength);
        Arrays.sort(seen);
        for (int i = 0; i < seen.length; ) {
            int token = seen[i], count = 0;
            while (i < seen.length && seen[i] == token) { i++; count++; }
            if (token < 0 || token >= logits.length) continue;
            float l = logits[token];
            l = l > 0 ? l / s.repetitionPenalty() : l * s.repetitionPenalty();
            logits[token] = l - count * s.frequencyPenalty() - s.presencePenalty();
        }
    }

    /**
     * The {@code topK} token ids (all when 0) ordered by falling logit. Each logit becomes an
     * order-preserving int packed above its id in a long, so primitive comparisons do the work (no boxing
     * over 100k+ vocabularies); a small top-k is selected with a min-heap instead of sorting everything.
     */
    static int[] sortedByLogit(float[] logits, int topK) {
        int n = logits.length, k = topK > 0 ? Math.min(topK, n) : n;
        long[] keys;
        if (k == n) {
            keys = new long[n];
            for (int i = 0; i < n; i++) keys[i] = key(logits, i);
        } else {
            keys = new long[k];
            for (int i = 0; i < k; i++) keys[i] = key(logits, i);
            for (int i = k / 2 - 1; i >= 0; i--) siftDown(keys, i);
            for (int i = k; i < n; i++) {
                long key = key(logits, i);
                if (key > keys[0]) {
                    keys[0] = key;
                    siftDown(keys, 0);
                }
            }
        }
        Arrays.sort(keys);
        int[] ids = new int[k];
        for (int i = 0; i < k; i++) ids[i] = n - 1 - (int) keys[k - 1 - i];
        return ids;
    }

    private static long key(float[] logits, int i) {
        int bits = Float.floatToIntBits(logits[i]);
        int ordered = bits ^ ((bits >> 31) & 0x7fffffff);
        return ((long) ordered << 32) | (logits.length - 1 - i); // ties: smaller id first after reversal
    }

    /** Restores the min-heap property below {@code i}. */
    private static void siftDown(long[] heap, int i) {
        while (true) {
            int smallest = i, l = 2 * i + 1, r = l + 1;
            if (l < heap.length && heap[l] < heap[smallest]) smallest = l;
            if (r < heap.length && heap[r] < heap[smallest]) smallest = r;
            if (smallest == i) return;
            long t = heap[i];
            heap[i] = heap[smallest];
            heap[smallest] = t;
            i = smallest;
        }
    }

    private static double[] softmax(float[] logits, int[] candidates, int keep, float temperature) {
        double[] p = new double[keep];
        double max = logits[candidates[0]], sum = 0;
        for (int i = 0; i < keep; i++) sum += p[i] = Math.exp((logits[candidates[i]] - max) / temperature);
        for (int i = 0; i < keep; i++) p[i] /= sum;
        return p;
    }

    private int topP(double[] p, int keep) {
        if (settings.topP() >= 1f) return keep;
        double cumulative = 0;
        for (int i = 0; i < keep; i++) {
            cumulative += p[i];
            if (cumulative >= settings.topP()) return i + 1;
        }
        return keep;
    }

    private int minP(double[] p, int keep) {
        if (settings.minP() <= 0f) return keep;
        double threshold = settings.minP() * p[0];
        int n = 1;
        while (n < keep && p[n] >= threshold) n++;
        return n;
    }
}
