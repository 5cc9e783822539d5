package dev.muse.provenance.watermark;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TextWatermarkTest {
    static final int VOCAB = 32_000;

    /** Tokens drawn from random logits (a stand-in for a model), with or without the watermark's bias. */
    static int[] write(TextWatermark mark, int n, long seed) {
        Random r = new Random(seed);
        int[] tokens = new int[n];
        tokens[0] = r.nextInt(VOCAB);
        float[] logits = new float[VOCAB];
        for (int i = 1; i < n; i++) {
            for (int t = 0; t < VOCAB; t++) logits[t] = (float) (2 * r.nextGaussian());
            if (mark != null) mark.bias(logits, tokens[i - 1]);
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (float l : logits) max = Math.max(max, l);
            for (float l : logits) sum += Math.exp(l - max);
            double pick = r.nextDouble() * sum;
            int t = 0;
            for (; t < VOCAB - 1; t++) if ((pick -= Math.exp(logits[t] - max)) <= 0) break;
            tokens[i] = t;
        }
        return tokens;
    }

    @Test
    void aQuarterOfTheVocabularyIsGreenAndTheKeyDecidesWhich() {
        TextWatermark a = new TextWatermark(42), b = new TextWatermark(43);
        int green = 0, agree = 0;
        for (int t = 0; t < VOCAB; t++) {
            if (a.green(7, t)) green++;
            if (a.green(7, t) == b.green(7, t)) agree++;
        }
        assertEquals(0.25, green / (double) VOCAB, 0.01);
        assertEquals(0.625, agree / (double) VOCAB, 0.01, "another key's list is independent: 0.25^2 + 0.75^2 agree by chance");
        float[] logits = new float[VOCAB];
        a.bias(logits, 7);
        for (int t = 0; t < VOCAB; t++) assertEquals(a.green(7, t) ? (float) TextWatermark.DELTA : 0f, logits[t]);
    }

    @Test
    void markedTextStandsOutAt200TokensAndUnmarkedTextDoesNot() {
        TextWatermark mark = new TextWatermark(0x5EC2E7L);
        for (long seed = 1; seed <= 5; seed++) {
            TextWatermark.Detection marked = mark.detect(write(mark, 200, seed));
            assertTrue(marked.found() && marked.z() > 4, "marked text, seed " + seed + ": " + marked);
            TextWatermark.Detection plain = mark.detect(write(null, 200, seed + 100));
            assertFalse(plain.found(), "unmarked text, seed " + seed + ": " + plain);
            assertFalse(new TextWatermark(1).detect(write(mark, 200, seed)).found(), "another key sees no mark");
        }
        int[] repeated = new int[400];
        for (int i = 0; i < repeated.length; i++) repeated[i] = i % 2 == 0 ? 5 : 9; // "5 9 5 9 ...": two pairs, scored once each
        assertEquals(2, mark.detect(repeated).scored());
        assertEquals(0, mark.detect(new int[] {3}).scored());
    }
}
