package dev.muse.runtime;

import java.util.Optional;
import java.util.Set;

/**
 * A model the engine offers.
 *
 * @param fileBytes      bytes of its files (-1 when they cannot be read)
 * @param modifiedMillis when its weights file was last written
 * @param inputs         what a request may send it: text, and images when it has a vision projector; audio for a
 *                       speech recognition model
 * @param outputs        what it makes: text, or images for an image generation model, vectors for a built-in embedder
 * @param resident       how it runs, while it is in memory
 */
public record ModelInfo(String id, long fileBytes, long modifiedMillis, Set<Modality> inputs, Set<Modality> outputs, Optional<Resident> resident) {
    /** What a model takes in or makes: text (with images, for a vision model), speech, pictures, or embedding vectors. */
    public enum Modality { TEXT, IMAGE, AUDIO, EMBEDDING }

    /**
     * A model in memory.
     *
     * @param residentBytes weights plus KV caches as they are now
     * @param chatTemplate  whether it has a chat template of its own
     */
    public record Resident(String architecture, int contextLength, int maxSequences, long residentBytes, boolean chatTemplate,
                           Scheduler.Stats scheduler) {}
}
