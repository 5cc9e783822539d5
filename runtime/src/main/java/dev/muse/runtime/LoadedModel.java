package dev.muse.runtime;

import dev.muse.hub.ModelPaths;

/** A model resident in memory: its weights, tokenizer and template, and the scheduler that runs it. */
record LoadedModel(ModelPaths paths, TextModel text, Scheduler scheduler) implements AutoCloseable {
    String id() { return paths.id(); }

    /** Bytes this model holds: the mapped weights (vision projector included) plus its KV caches as they are now. */
    long residentBytes() {
        return text.fileBytes() + scheduler.stats().kvBytes();
    }

    int contextLength() { return scheduler.options().contextLength(); }

    /** Stops the thread that reads the weights, then unmaps them. */
    @Override public void close() {
        scheduler.close();
        text.close();
    }
}
