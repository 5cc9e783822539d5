package dev.muse.provenance.watermark;

/**
 * A keyed green-list watermark for generated text (Kirchenbauer et al., 2023, "A Watermark for Large Language
 * Models"): before each token is sampled, the key and the previous token pick a green list of {@value #GAMMA} of the
 * vocabulary, whose logits get {@value #DELTA} added. Text written so holds far more green tokens than the {@value #GAMMA}
 * share chance gives; the detector, which needs the key and the tokenizer but not the model, counts them and reports a
 * z-score. Only distinct (previous, token) pairs count, so a repeated phrase cannot inflate it. Above {@value #THRESHOLD}
 * the text is called marked: a one-sided normal tail of 3.2e-5 for unmarked text.
 */
public final class TextWatermark {
    public static final double GAMMA = 0.25, DELTA = 2.0, THRESHOLD = 4.0;
    private static final long GREEN_BELOW = (long) (GAMMA * 0x1p63) << 1; // an unsigned threshold on a 64-bit hash
    private final long key;

    /** A watermark under {@code key} (the installation's secret: whoever holds it can detect the mark, and forge it). */
    public TextWatermark(long key) {
        this.key = key;
    }

    /** Whether {@code token} is green after {@code previous}. */
    public boolean green(int previous, int token) {
        return Long.compareUnsigned(mix(key ^ mix(previous * 0x9E37_79B9_7F4A_7C15L + token)), GREEN_BELOW) < 0;
    }

    /** Adds {@value #DELTA} to the logit of every green token after {@code previous}. */
    public void bias(float[] logits, int previous) {
        for (int token = 0; token < logits.length; token++) if (green(previous, token)) logits[token] += (float) DELTA;
    }

    /**
     * What the detector finds in {@code tokens} (the text as the model's tokenizer reads it): how many distinct token pairs
     * it scored, how many were green, the z-score, and whether that passes {@value #THRESHOLD}.
     */
    public record Detection(int scored, int green, double z, boolean found) {}

    public Detection detect(int[] tokens) {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        int scored = 0, green = 0;
        for (int i = 1; i < tokens.length; i++) {
            if (!seen.add((long) tokens[i - 1] << 32 | (tokens[i] & 0xFFFFFFFFL))) continue;
            scored++;
            if (green(tokens[i - 1], tokens[i])) green++;
        }
        double z = scored == 0 ? 0 : (green - GAMMA * scored) / Math.sqrt(scored * GAMMA * (1 - GAMMA));
        return new Detection(scored, green, z, z > THRESHOLD);
    }

    /** SplitMix64's finaliser: every input bit moves every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
