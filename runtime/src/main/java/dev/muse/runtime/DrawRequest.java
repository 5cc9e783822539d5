package dev.muse.runtime;

/**
 * Pictures to draw from a prompt. Null fields take the model's defaults: 512 x 512, {@link #DEFAULT_STEPS} steps, guidance
 * {@link #DEFAULT_GUIDANCE}, a random seed. Picture i of n is drawn with seed + i, so each one can be drawn again alone.
 *
 * @param negativePrompt what the pictures should not show (used with guidance above 1)
 * @param sampler        euler (default), euler_a or dpmpp_2m_karras
 */
public record DrawRequest(String model, String prompt, String negativePrompt, Integer width, Integer height, Integer steps, Double guidance,
                          Long seed, int n, String sampler) {
    public static final int DEFAULT_SIDE = 512, DEFAULT_STEPS = 20, MAX_PICTURES = 8;
    public static final double DEFAULT_GUIDANCE = 7.5;

    public DrawRequest {
        if (prompt == null || prompt.isBlank()) throw new IllegalArgumentException("a drawing needs a prompt");
        if (n < 1 || n > MAX_PICTURES) throw new IllegalArgumentException("n must be 1 to " + MAX_PICTURES + ", got " + n);
        if (sampler != null) dev.muse.models.diffusion.Sampling.Sampler.of(sampler); // refused here, before anything runs
    }

    /** With the default sampler (Euler, as the model's scheduler config spaces its steps). */
    public DrawRequest(String model, String prompt, String negativePrompt, Integer width, Integer height, Integer steps, Double guidance,
                       Long seed, int n) {
        this(model, prompt, negativePrompt, width, height, steps, guidance, seed, n, null);
    }

    /** One picture of the prompt with every default. */
    public static DrawRequest of(String model, String prompt) {
        return new DrawRequest(model, prompt, null, null, null, null, null, null, 1, null);
    }
}
