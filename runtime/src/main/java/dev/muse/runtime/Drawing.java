package dev.muse.runtime;

import dev.muse.media.PngWriter;
import dev.muse.models.diffusion.Sampling;
import dev.muse.models.diffusion.StableDiffusion;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One drawing, running on a thread of its own: the caller reads {@link Event.Progress} after each denoising step and an
 * {@link Event.Image} (a PNG that keeps its parameters) per picture with {@link #next()}, then one {@link Event.Drawn} (or {@link Event.Error}). A model
 * draws one request at a time; others wait their turn. Closing it (a client that went away) stops it at the next step.
 */
public final class Drawing extends EventStream {
    private final long seed;

    Drawing(String model, StableDiffusion pipeline, Semaphore turn, DrawRequest r) {
        this.seed = r.seed() != null ? r.seed() : ThreadLocalRandom.current().nextLong(1L << 53);
        int width = r.width() != null ? r.width() : DrawRequest.DEFAULT_SIDE, height = r.height() != null ? r.height() : DrawRequest.DEFAULT_SIDE;
        int steps = r.steps() != null ? r.steps() : DrawRequest.DEFAULT_STEPS;
        double guidance = r.guidance() != null ? r.guidance() : DrawRequest.DEFAULT_GUIDANCE;
        Sampling.Sampler sampler = r.sampler() != null ? Sampling.Sampler.of(r.sampler()) : Sampling.Sampler.EULER;
        Thread.ofVirtual().name("draw " + model).start(() -> {
            try {
                turn.acquire();
                try {
                    int leftOut = 0;
                    for (int i = 0; i < r.n(); i++) {
                        int picture = i;
                        var request = new StableDiffusion.Request(r.prompt(), r.negativePrompt(), width, height, steps, guidance, seed + i, sampler);
                        var result = pipeline.generate(request, step -> {
                            if (cancelled) throw new CancellationException();
                            events.add(new Event.Progress((picture * steps + step) / (double) (r.n() * steps)));
                        });
                        leftOut = result.promptTokensLeftOut();
                        events.add(new Event.Image(picture, seed + i, width, height,
                                PngWriter.encode(result.picture(), Map.of("parameters", parameters(model, r, width, height, steps, guidance, seed + i, sampler)))));
                    }
                    events.add(new Event.Drawn(r.n(), width, height, steps, guidance, leftOut));
                } finally {
                    turn.release();
                }
            } catch (InterruptedException | CancellationException e) {
                events.add(new Event.Error(new CancellationException("the drawing was cancelled")));
            } catch (RuntimeException e) {
                events.add(new Event.Error(e));
            }
        });
    }

    /** AUTOMATIC1111's "parameters" text, which image tools read back from a PNG. */
    static String parameters(String model, DrawRequest r, int width, int height, int steps, double guidance, long seed, Sampling.Sampler sampler) {
        StringBuilder sb = new StringBuilder(r.prompt());
        if (r.negativePrompt() != null && !r.negativePrompt().isBlank()) sb.append("\nNegative prompt: ").append(r.negativePrompt());
        sb.append(String.format(Locale.ROOT, "\nSteps: %d, Sampler: %s, CFG scale: %s, Seed: %d, Size: %dx%d, Model: %s, Version: Muse",
                steps, sampler.displayName(), guidance, seed, width, height, model));
        return sb.toString();
    }

    /** The seed of the first picture (the request's, or the one drawn for it). */
    public long seed() { return seed; }
}
