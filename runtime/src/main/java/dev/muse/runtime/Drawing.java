package dev.muse.runtime;

import dev.muse.media.JpegWriter;
import dev.muse.media.Picture;
import dev.muse.media.PngWriter;
import dev.muse.media.WebpWriter;
import dev.muse.models.diffusion.StableDiffusion;
import dev.muse.provenance.VisibleLabel;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Semaphore;
import java.util.function.UnaryOperator;

/**
 * One drawing, running on a thread of its own: the caller reads {@link Event.Progress} after each denoising step (and an
 * {@link Event.PartialImage} after the steps chosen for previews) and an {@link Event.Image} (a signed PNG that keeps its
 * parameters) per picture with {@link #next()}, then one {@link Event.Drawn} (or {@link Event.Error}). A model
 * draws one request at a time; others wait their turn. Closing it (a client that went away) stops it at the next step.
 */
public final class Drawing extends EventStream {
    private final long seed;

    /**
     * Draws {@code n} pictures of {@code first}, picture i with its seed + i ({@code first} already checked by the
     * pipeline), with {@code partials} previews of each; every picture, previews too, is screened by {@code screen} (the
     * image safety classifier: the picture as it may leave, blurred or withheld; null: not screened), then watermarked and
     * its file signed by {@code seal} before it is handed on.
     */
    Drawing(String model, StableDiffusion pipeline, Semaphore turn, StableDiffusion.Request first, int n, int partials, DrawRequest.Output output,
            UnaryOperator<Picture> screen, Provenance.Seal seal) {
        this.seed = first.seed();
        Thread.ofVirtual().name("draw " + model).start(() -> {
            try {
                turn.acquire();
                try {
                    int leftOut = 0;
                    for (int i = 0; i < n; i++) {
                        int picture = i;
                        StableDiffusion.Request request = first.withSeed(seed + i);
                        int steps = first.stepsRun(), previews = previewCount(partials, steps);
                        int[] sent = {0};
                        var result = pipeline.generate(request, (step, preview) -> {
                            if (cancelled) throw new CancellationException();
                            events.add(new Event.Progress((picture * steps + step) / (double) (n * steps)));
                            if (sent[0] < previews && step == previewStep(sent[0], previews, steps)) {
                                var p = screen == null ? preview.get() : screen.apply(preview.get());
                                events.add(new Event.PartialImage(picture, sent[0]++, step, p.width(), p.height(), output.format(), seal.picture(p, marked -> encode(marked, null, output))));
                            }
                        });
                        leftOut = result.promptTokensLeftOut();
                        Picture screened = screen == null ? result.picture() : screen.apply(result.picture());
                        Picture made = output.label() ? VisibleLabel.stamp(screened) : screened;
                        events.add(new Event.Image(picture, request.seed(), request.width(), request.height(), output.format(),
                                seal.picture(made, marked -> encode(marked, parameters(model, request), output)), screened != result.picture()));
                    }
                    events.add(new Event.Drawn(n, first.width(), first.height(), first.steps(), first.guidance(), leftOut));
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

    /** How many previews a picture of {@code steps} steps gets when {@code partials} are asked: one a step at most, none after the last. */
    static int previewCount(int partials, int steps) {
        return Math.min(partials, steps - 1);
    }

    /**
     * The step after which preview k of {@code count} is sent: spread evenly over the steps before the last (whose picture
     * is the image itself), the last preview one step before it.
     */
    static int previewStep(int k, int count, int steps) {
        return (int) (((long) (k + 1) * (steps - 1) + count - 1) / count); // ceil((k + 1) (steps - 1) / count)
    }

    /** The picture as a file of the asked format, keeping {@code parameters} (or none) in it. */
    static byte[] encode(Picture picture, String parameters, DrawRequest.Output output) {
        return switch (output.format()) {
            case "jpeg" -> JpegWriter.encode(picture, output.quality(), parameters);
            case "webp" -> WebpWriter.encode(picture, parameters);
            default -> PngWriter.encode(picture, parameters == null ? Map.of() : Map.of("parameters", parameters));
        };
    }

    /** AUTOMATIC1111's "parameters" text, which image tools read back from a PNG. */
    static String parameters(String model, StableDiffusion.Request r) {
        StringBuilder sb = new StringBuilder(r.prompt());
        if (r.negativePrompt() != null && !r.negativePrompt().isBlank()) sb.append("\nNegative prompt: ").append(r.negativePrompt());
        sb.append(String.format(Locale.ROOT, "\nSteps: %d, Sampler: %s, CFG scale: %s, Seed: %d, Size: %dx%d, Model: %s, ",
                r.steps(), r.sampler().displayName(), r.guidance(), r.seed(), r.width(), r.height(), model));
        if (r.edit() != null) sb.append(String.format(Locale.ROOT, "Denoising strength: %s, %s", r.edit().strength(), r.edit().mask() != null ? "Mask: yes, " : ""));
        sb.append("Version: Muse");
        return sb.toString();
    }

    /** The seed of the first picture (the request's, or the one drawn for it). */
    public long seed() { return seed; }
}
