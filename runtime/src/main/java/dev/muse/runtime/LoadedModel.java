package dev.muse.runtime;

import dev.muse.engine.Ops;
import dev.muse.hub.ModelPaths;
import java.io.IOException;

/**
 * A model resident in memory: its text model (weights, tokenizer, template), its vision projector when it has
 * one, and the scheduler that runs it.
 */
record LoadedModel(ModelPaths paths, TextModel text, ImageInput images, Scheduler scheduler) implements AutoCloseable {
    /**
     * Opens every file of {@code paths} for the backend {@code ops} and starts the model's scheduler with
     * {@code defaults}, its context window cut to the model's own.
     */
    static LoadedModel open(ModelPaths paths, Ops ops, Scheduler.Options defaults) throws IOException {
        TextModel text = TextModel.open(paths.model(), ops);
        ImageInput images = null;
        try {
            if (paths.projector() != null) images = text.openProjector(paths.projector());
            int context = Math.max(2, Math.min(defaults.contextLength(), text.model().contextLength()));
            Scheduler scheduler = new Scheduler(text.model(), new Scheduler.Options(defaults.maxSequences(), context, defaults.maxBatchTokens()), paths.id());
            return new LoadedModel(paths, text, images, scheduler);
        } catch (IOException | RuntimeException e) {
            if (images != null) images.close();
            text.close();
            throw e;
        }
    }

    String id() { return paths.id(); }

    boolean seesImages() { return images != null; }

    /** Bytes of its mapped files: the weights and the vision projector. */
    long fileBytes() {
        return text.file().size() + (images != null ? images.fileBytes() : 0);
    }

    /** Bytes this model holds: its mapped files plus its KV caches as they are now. */
    long residentBytes() {
        return fileBytes() + scheduler.stats().kvBytes();
    }

    int contextLength() { return scheduler.options().contextLength(); }

    /** Stops the thread that reads the weights, then unmaps them. */
    @Override public void close() {
        scheduler.close();
        if (images != null) images.close();
        text.close();
    }
}
