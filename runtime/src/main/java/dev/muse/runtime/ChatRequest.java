package dev.muse.runtime;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A conversation to answer with the model's chat template.
 *
 * @param mode how hard to think; null for the template's default
 */
public record ChatRequest(String model, List<Message> messages, Mode mode, GenerationOptions options) {
    public ChatRequest {
        Objects.requireNonNull(model, "model");
        messages = List.copyOf(messages);
        if (messages.isEmpty()) throw new IllegalArgumentException("a chat needs at least one message");
    }

    /** One turn: a role ("system", "user", "assistant", ...) and its content, text and images in order. */
    public record Message(String role, List<Part> content) {
        public Message {
            Objects.requireNonNull(role, "role");
            content = List.copyOf(content);
        }

        /** A turn of plain text. */
        public static Message of(String role, String text) {
            return new Message(role, List.of(new Text(text)));
        }

        boolean hasImages() {
            return content.stream().anyMatch(p -> p instanceof Image);
        }
    }

    /** A piece of a turn's content. */
    public sealed interface Part {}

    public record Text(String text) implements Part {
        public Text { Objects.requireNonNull(text, "text"); }
    }

    /**
     * An image file (PNG, JPEG or WebP). Its bytes are read only once the model is known to take images, so
     * a request to a text-only model never makes the server fetch an image URL.
     */
    public record Image(Supplier<byte[]> bytes) implements Part {}
}
