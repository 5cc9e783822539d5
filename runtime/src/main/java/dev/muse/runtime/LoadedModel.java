package dev.muse.runtime;

/** A model resident in memory: its weights, tokenizer and template, and the scheduler that runs it. */
public record LoadedModel(String id, TextModel text, Scheduler scheduler, long loadedAtMillis) {
    /** Bytes this model holds: the mapped weights (vision projector included) plus its KV caches as they are now. */
    public long residentBytes() {
        return text.fileBytes() + scheduler.stats().kvBytes();
    }
}
