package dev.muse.runtime;

import dev.muse.models.diffusion.Sampling.Sampler;
import dev.muse.models.diffusion.StableDiffusion;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Pictures to draw from a prompt. Null fields take the defaults: 512 x 512, {@link #DEFAULT_STEPS} steps, guidance
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
        if (sampler != null) Sampler.of(sampler); // refused here, before anything runs
    }

    /** With the default sampler (Euler, as the model's scheduler config spaces its steps). */
    public DrawRequest(String model, String prompt, String negativePrompt, Integer width, Integer height, Integer steps, Double guidance,
                       Long seed, int n) {
        this(model, prompt, negativePrompt, width, height, steps, guidance, seed, n, null);
    }

    /** The first picture's request, defaults filled in (a random seed when none was given). */
    StableDiffusion.Request resolved() {
        return new StableDiffusion.Request(prompt, negativePrompt, width != null ? width : DEFAULT_SIDE, height != null ? height : DEFAULT_SIDE,
                steps != null ? steps : DEFAULT_STEPS, guidance != null ? guidance : DEFAULT_GUIDANCE,
                seed != null ? seed : ThreadLocalRandom.current().nextLong(1L << 53), sampler != null ? Sampler.of(sampler) : Sampler.EULER);
    }

    /** A size written WIDTHxHEIGHT ("512x512"), as the command line and the API take it; an IllegalArgumentException otherwise. */
    public static int[] size(String text) {
        String[] parts = text.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (parts.length == 2) {
                int w = Integer.parseInt(parts[0].strip()), h = Integer.parseInt(parts[1].strip());
                if (w > 0 && h > 0) return new int[] {w, h};
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("a size is WIDTHxHEIGHT in pixels, such as 512x512, not " + text);
    }

    /** One picture of the prompt with every default. */
    public static DrawRequest of(String model, String prompt) {
        return new DrawRequest(model, prompt, null, null, null, null, null, null, 1, null);
    }
}
