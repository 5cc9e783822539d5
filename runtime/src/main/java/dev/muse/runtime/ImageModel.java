package dev.muse.runtime;

import dev.muse.media.ImageDecoder;
import dev.muse.models.diffusion.StableDiffusion;
import java.util.concurrent.Semaphore;

/** A loaded image generation model (a Stable Diffusion pipeline) and its turn: one drawing at a time, as it uses every core. */
final class ImageModel implements AutoCloseable {
    private final StableDiffusion pipeline;
    private final long fileBytes;
    private final Semaphore turn = new Semaphore(1, true);
    private final ImageDecoder decoder = new ImageDecoder();

    ImageModel(StableDiffusion pipeline, long fileBytes) {
        this.pipeline = pipeline;
        this.fileBytes = fileBytes;
    }

    long fileBytes() { return fileBytes; }

    /** Whether a drawing runs or waits: such a model is not unloaded to make room. */
    boolean busy() { return turn.availablePermits() == 0 || turn.hasQueuedThreads(); }

    /**
     * Resolves the request for this pipeline (defaults, an edit's image decoded and sized) and checks it, refusing what
     * the pipeline cannot draw, then starts drawing its pictures, each picture screened by {@code screen} (or not, when
     * null), watermarked and its file signed by {@code seal} as it is made.
     */
    Drawing draw(String id, DrawRequest request, java.util.function.UnaryOperator<dev.muse.media.Picture> screen, Provenance.Seal seal) {
        StableDiffusion.Request first = request.resolved(pipeline.sideMultiple(), pipeline.sampler(), decoder);
        pipeline.check(first);
        return new Drawing(id, pipeline, turn, first, request.n(), request.partialImages(), request.output(), screen, seal);
    }

    @Override public void close() { pipeline.close(); }
}
