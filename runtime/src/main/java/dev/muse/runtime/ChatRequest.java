package dev.muse.runtime;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A conversation to answer with the model's chat template.
 *
 * @param mode         how hard to think; null for the template's default
 * @param fitToContext when the conversation no longer fits the context, leave out its oldest turns (system messages
 *                     and the last message always stay) rather than refuse it; and without max tokens, answer in at
 *                     most a quarter of the context, so that one answer never fills the window a conversation goes
 *                     on in. Off: a prompt that does not fit is refused (the raw API's contract)
 * @param thoughtBudget a reasoning model's thought is closed after this many tokens; null: when the model closes it
 */
public record ChatRequest(String model, List<Message> messages, Mode mode, GenerationOptions options, boolean fitToContext,
                          Integer thoughtBudget) {
    public ChatRequest {
        Objects.requireNonNull(model, "model");
        messages = List.copyOf(messages);
        if (messages.isEmpty()) throw new IllegalArgumentException("a chat needs at least one message");
        if (thoughtBudget != null && thoughtBudget < 1) throw new IllegalArgumentException("a thought budget is at least one token");
    }

    /** A request that is refused whole when it does not fit, and lets a reasoning model think as long as it will. */
    public ChatRequest(String model, List<Message> messages, Mode mode, GenerationOptions options) {
        this(model, messages, mode, options, false, null);
    }

    /** The same request, fitted to the context by leaving out its oldest turns. */
    public ChatRequest fittingContext() {
        return new ChatRequest(model, messages, mode, options, true, thoughtBudget);
    }

    /**
     * The same request with a reasoning model's thought closed after {@code tokens} tokens (null: when the model
     * closes it), so that it answers from what it has thought so far. Models that do not think ignore it.
     */
    public ChatRequest withThoughtBudget(Integer tokens) {
        return new ChatRequest(model, messages, mode, options, fitToContext, tokens);
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

    /**
     * A spoken turn: a sound file the engine's speech model hears, so the language model reads what was said. A
     * stored turn carries the transcript made the first time ({@code heard}), which is used rather than hearing it
     * again; null when it has not been heard yet.
     */
    public record Audio(byte[] bytes, String heard) implements Part {
        public Audio { Objects.requireNonNull(bytes, "bytes"); }
    }
}
