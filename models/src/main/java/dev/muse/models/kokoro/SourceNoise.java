package dev.muse.models.kokoro;

import java.util.SplittableRandom;

/**
 * The random numbers of Kokoro's harmonic source: each overtone's initial phase (uniform turns) and the noise mixed in
 * (standard normal, one per sample and overtone). A seed makes a synthesis repeat exactly; a test can supply the
 * reference's own draws.
 */
public interface SourceNoise {
    /** {@code n} initial phases in [0, 1) turns. */
    float[] phases(int n);

    /** {@code n} standard normal values. */
    float[] noise(int n);

    /** Draws from a SplittableRandom seeded with {@code seed}. */
    static SourceNoise seeded(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return new SourceNoise() {
            @Override public float[] phases(int n) {
                float[] out = new float[n];
                for (int i = 0; i < n; i++) out[i] = (float) random.nextDouble();
                return out;
            }

            @Override public float[] noise(int n) {
                float[] out = new float[n];
                for (int i = 0; i < n; i++) out[i] = (float) random.nextGaussian();
                return out;
            }
        };
    }
}
