package dev.muse.runtime;

import dev.muse.models.diffusion.StableDiffusion;
import java.util.concurrent.Semaphore;

/** A loaded image generation model (a Stable Diffusion pipeline) and its turn: one drawing at a time, as it uses every core. */
final class ImageModel implements AutoCloseable {
    private final StableDiffusion pipeline;
    private final Semaphore turn = new Semaphore(1, true);

    ImageModel(StableDiffusion pipeline) {
        this.pipeline = pipeline;
    }

    long fileBytes() { return pipeline.fileBytes(); }

    int sideMultiple() { return pipeline.sideMultiple(); }

    /** Whether a drawing runs or waits: such a model is not unloaded to make room. */
    boolean busy() { return turn.availablePermits() == 0 || turn.hasQueuedThreads(); }

    Drawing draw(String id, DrawRequest request) {
        return new Drawing(id, pipeline, turn, request);
    }

    @Override public void close() { pipeline.close(); }
}
