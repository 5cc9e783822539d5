package dev.muse.runtime;

import dev.muse.models.diffusion.StableDiffusion;
import java.util.concurrent.Semaphore;

/** A loaded image generation model (a Stable Diffusion pipeline) and its turn: one drawing at a time, as it uses every core. */
final class ImageModel implements AutoCloseable {
    private final StableDiffusion pipeline;
    private final long fileBytes;
    private final Semaphore turn = new Semaphore(1, true);

    ImageModel(StableDiffusion pipeline, long fileBytes) {
        this.pipeline = pipeline;
        this.fileBytes = fileBytes;
    }

    long fileBytes() { return fileBytes; }

    /** Whether a drawing runs or waits: such a model is not unloaded to make room. */
    boolean busy() { return turn.availablePermits() == 0 || turn.hasQueuedThreads(); }

    /** Checks the first picture's request (refusing what the pipeline cannot draw), then starts drawing n pictures. */
    Drawing draw(String id, StableDiffusion.Request first, int n) {
        pipeline.check(first);
        return new Drawing(id, pipeline, turn, first, n);
    }

    @Override public void close() { pipeline.close(); }
}
