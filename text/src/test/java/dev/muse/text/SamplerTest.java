package dev.muse.text;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static float[] logits() {
        return new float[] {1f, 3f, 2.5f, -1f, 2.9f, 0f};
    }

    private static Sampler.Settings settings(float t, int k, float p, float minP, float rep, float pres, float freq) {
        return new Sampler.Settings(t, k, p, minP, rep, pres, freq, 64, 7);
    }

    @Test
    void greedyPicksTheLargestLogit() {
        assertEquals(1, new Sampler(Sampler.Settings.greedy()).sample(logits(), new int[0], 0));
    }

    @Test
    void sameSeedGivesSameTokens() {
        Random r = new Random(1);
        float[] base = new float[1000];
        for (int i = 0; i < base.length; i++) base[i] = (float) r.nextGaussian();
        Sampler a = new Sampler(settings(1f, 0, 1f, 0f, 1f, 0f, 0f)), b = new Sampler(settings(1f, 0, 1f, 0f, 1f, 0f, 0f));
        Set<Integer> distinct = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int x = a.sample(base.clone(), new int[0], 0);
            assertEquals(x, b.sample(base.clone(), new int[0], 0));
            distinct.add(x);
        }
        assertTrue(distinct.size() > 5, "temperature 1 over 1000 similar logits should vary: " + distinct);
    }

    /** Sampling from the whole vocabulary draws each token with its softmax(logits / temperature) probability. */
    @Test
    void drawsFollowTheTemperedDistribution() {
        float[] logits = new float[3000];
        java.util.Arrays.fill(logits, -1e4f); // never drawn
        logits[7] = 0f;
        logits[1234] = (float) Math.log(2);
        logits[2999] = (float) Math.log(3);
        for (float temperature : new float[] {1f, 2f}) {
            Sampler sampler = new Sampler(settings(temperature, 0, 1f, 0f, 1f, 0f, 0f));
            int draws = 60_000;
            int[] counts = new int[logits.length];
            for (int i = 0; i < draws; i++) counts[sampler.sample(logits.clone(), new int[0], 0)]++;
            double[] weights = {1, Math.pow(2, 1 / temperature), Math.pow(3, 1 / temperature)};
            double total = weights[0] + weights[1] + weights[2];
            int[] ids = {7, 1234, 2999};
            for (int k = 0; k < 3; k++) {
                double expected = draws * weights[k] / total, sd = Math.sqrt(expected);
                assertTrue(Math.abs(counts[ids[k]] - expected) < 5 * sd, "T " + temperature + " token " + ids[k] + ": " + counts[ids[k]] + " vs " + expected);
            }
            assertEquals(draws, counts[7] + counts[1234] + counts[2999], "T " + temperature + ": a token of weight 0 was drawn");
        }
    }

    @Test
    void topKOfOneIsGreedyAndTopKLimitsTheChoice() {
        Sampler one = new Sampler(settings(2f, 1, 1f, 0f, 1f, 0f, 0f));
        for (int i = 0; i < 20; i++) assertEquals(1, one.sample(logits(), new int[0], 0));
        Sampler three = new Sampler(settings(5f, 3, 1f, 0f, 1f, 0f, 0f));
        for (int i = 0; i < 200; i++) assertTrue(Set.of(1, 4, 2).contains(three.sample(logits(), new int[0], 0)));
    }

    @Test
    void topPAndMinPDropTheTail() {
        // p(1) ~ 0.33, p(4) ~ 0.30, p(2) ~ 0.20 ...: top-p 0.5 keeps {1, 4}.
        Sampler topP = new Sampler(settings(5f, 0, 0.5f, 0f, 1f, 0f, 0f));
        for (int i = 0; i < 200; i++) assertTrue(Set.of(1, 4).contains(topP.sample(logits(), new int[0], 0)));
        // min-p 0.5: keep tokens with p >= half of p(1): {1, 4, 2}.
        Sampler minP = new Sampler(settings(5f, 0, 1f, 0.5f, 1f, 0f, 0f));
        for (int i = 0; i < 200; i++) assertTrue(Set.of(1, 4, 2).contains(minP.sample(logits(), new int[0], 0)));
    }

    @Test
    void penaltiesPushRecentTokensDown() {
        int[] history = {1, 1, 1};
        assertEquals(4, new Sampler(settings(0f, 0, 1f, 0f, 1.5f, 0f, 0f)).sample(logits(), history, 3));
        assertEquals(4, new Sampler(settings(0f, 0, 1f, 0f, 1f, 0.2f, 0f)).sample(logits(), history, 3));
        assertEquals(4, new Sampler(settings(0f, 0, 1f, 0f, 1f, 0f, 0.1f)).sample(logits(), history, 3));
        assertEquals(1, new Sampler(settings(0f, 0, 1f, 0f, 1f, 0f, 0.01f)).sample(logits(), history, 3));
    }

    @Test
    void rejectsNonsenseSettings() {
        assertThrows(IllegalArgumentException.class, () -> settings(-1f, 0, 1f, 0f, 1f, 0f, 0f));
        assertThrows(IllegalArgumentException.class, () -> settings(1f, 0, 0f, 0f, 1f, 0f, 0f));
        assertThrows(IllegalArgumentException.class, () -> settings(1f, -2, 1f, 0f, 1f, 0f, 0f));
    }

    @Test
    void topKSelectionAgreesWithAFullSortTiesIncluded() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (int trial = 0; trial < 50; trial++) {
            float[] logits = new float[1 + random.nextInt(5000)];
            for (int i = 0; i < logits.length; i++) logits[i] = random.nextInt(40) / 4f - 5f; // many equal logits
            int[] all = Sampler.sortedByLogit(logits, 0);
            int k = 1 + random.nextInt(logits.length + 10);
            assertArrayEquals(java.util.Arrays.copyOf(all, Math.min(k, logits.length)), Sampler.sortedByLogit(logits, k));
        }
    }
}
