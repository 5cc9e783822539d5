package dev.muse.runtime;

/** The model cannot do what the request needs (take an image, make embeddings, chat, transcribe, draw). */
public final class CapabilityException extends RuntimeException {
    /** What was missing. */
    public enum Capability { IMAGE_INPUT, EMBEDDINGS, TEXT_GENERATION, SPEECH_RECOGNITION, IMAGE_GENERATION, SPEECH_SYNTHESIS, TOOL_CALLS }

    private final Capability missing;
    private final int message;

    /** @param message the index of the chat message that needed it, or -1 */
    CapabilityException(String text, Capability missing, int message) {
        super(text);
        this.missing = missing;
        this.message = message;
    }

    public Capability missing() { return missing; }

    /** The index of the chat message that needed the capability, or -1 when it is not about a message. */
    public int message() { return message; }
}
