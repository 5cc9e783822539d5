package dev.muse.runtime;

/**
 * How the next token is picked: penalties, then top-k, top-p and min-p, then temperature, then a seeded
 * draw (temperature 0 is greedy). The same settings, seed and prompt give the same answer.
 *
 * @param repeatPenalty    divides positive / multiplies negative logits of recent tokens (1: off)
 * @param presencePenalty  subtracted from the logit of every recent token (0: off)
 * @param frequencyPenalty subtracted per occurrence of a recent token (0: off)
 */
public record Sampling(float temperature, int topK, float topP, float minP, float repeatPenalty, float presencePenalty,
                       float frequencyPenalty, long seed) {
    /** llama.cpp's defaults, which suit small local models: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05. */
    public static Sampling defaults(long seed) {
        return new Sampling(0.8f, 40, 0.95f, 0.05f, 1f, 0f, 0f, seed);
    }

    /** Always the most likely token. */
    public static Sampling greedy() {
        return new Sampling(0f, 0, 1f, 0f, 1f, 0f, 0f, 0);
    }

    public Sampling withSeed(long s) {
        return new Sampling(temperature, topK, topP, minP, repeatPenalty, presencePenalty, frequencyPenalty, s);
    }
}
