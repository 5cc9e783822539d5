package dev.muse.runtime;

import dev.muse.formats.FormatException;
import dev.muse.formats.JsonValues;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * @param tools        functions the model may (or must) call; null for none
 * @param agents       how many sub-agents think before a {@link Mode#CONTEMPLATING} answer; null for
 *                     {@value #DEFAULT_AGENTS}
 * @param ownTools     Muse's own tools the model may use, which the engine runs itself (see {@link #OWN_TOOLS}); null
 *                     for none. Those whose model is not on offer are left out
 * @param screen       how pictures Muse's own {@code generate_image} tool draws are screened by the image safety
 *                     classifier ({@link Engine#draw(DrawRequest, ImageScreen)}); null: not screened
 */
public record ChatRequest(String model, List<Message> messages, Mode mode, GenerationOptions options, boolean fitToContext,
                          Integer thoughtBudget, Tools tools, Integer agents, List<String> ownTools, ImageScreen screen) {
    /** Every tool of Muse's own: arithmetic, drawing a picture, saying a text aloud. */
    public static final List<String> OWN_TOOLS = List.of("calculator", "generate_image", "speak");

    /** Sub-agents of a contemplation unless the request says otherwise, and at most. */
    public static final int DEFAULT_AGENTS = 4, MAX_AGENTS = 16;

    public ChatRequest {
        Objects.requireNonNull(model, "model");
        messages = List.copyOf(messages);
        if (messages.isEmpty()) throw new IllegalArgumentException("a chat needs at least one message");
        if (thoughtBudget != null && thoughtBudget < 1) throw new IllegalArgumentException("a thought budget is at least one token");
        if (agents != null && (agents < 1 || agents > MAX_AGENTS)) throw new IllegalArgumentException("a contemplation has 1 to " + MAX_AGENTS + " sub-agents");
        if (ownTools != null) {
            ownTools = List.copyOf(ownTools);
            for (String name : ownTools)
                if (!OWN_TOOLS.contains(name)) throw new IllegalArgumentException("Muse has no tool '" + name + "' (its tools: " + String.join(", ", OWN_TOOLS) + ")");
        }
    }

    /** A request that is refused whole when it does not fit, and lets a reasoning model think as long as it will. */
    public ChatRequest(String model, List<Message> messages, Mode mode, GenerationOptions options) {
        this(model, messages, mode, options, false, null, null, null, null, null);
    }

    /** The same request, fitted to the context by leaving out its oldest turns. */
    public ChatRequest fittingContext() {
        return new ChatRequest(model, messages, mode, options, true, thoughtBudget, tools, agents, ownTools, screen);
    }

    /** The same request with {@code n} sub-agents if it contemplates (null: {@value #DEFAULT_AGENTS}). */
    public ChatRequest withAgents(Integer n) {
        return new ChatRequest(model, messages, mode, options, fitToContext, thoughtBudget, tools, n, ownTools, screen);
    }

    /** The same request with Muse's own tools {@code names} on offer (null: none; {@link #OWN_TOOLS}: all it has). */
    public ChatRequest withOwnTools(List<String> names) {
        return new ChatRequest(model, messages, mode, options, fitToContext, thoughtBudget, tools, agents, names, screen);
    }

    /** The same request with the pictures its own tools draw screened as {@code how} says (null: not screened). */
    public ChatRequest withScreen(ImageScreen how) {
        return new ChatRequest(model, messages, mode, options, fitToContext, thoughtBudget, tools, agents, ownTools, how);
    }

    /** The same request with other functions and none of Muse's own (one round of a chat that uses them). */
    ChatRequest withRound(List<Message> newMessages, Tools functions) {
        return new ChatRequest(model, newMessages, mode, options, fitToContext, thoughtBudget, functions, agents, null, screen);
    }

    /** The sub-agents a contemplation runs. */
    int agentCount() { return agents != null ? agents : DEFAULT_AGENTS; }

    /** The same request in another mode, with other messages and options (a contemplation's sub-agents and synthesis). */
    ChatRequest with(Mode newMode, List<Message> newMessages, GenerationOptions newOptions) {
        return new ChatRequest(model, newMessages, newMode, newOptions, fitToContext, thoughtBudget, tools, agents, ownTools, screen);
    }

    /**
     * The same request with a reasoning model's thought closed after {@code tokens} tokens (null: when the model
     * closes it), so that it answers from what it has thought so far. Models that do not think ignore it.
     */
    public ChatRequest withThoughtBudget(Integer tokens) {
        return new ChatRequest(model, messages, mode, options, fitToContext, tokens, tools, agents, ownTools, screen);
    }

    /** The same request with functions the model may call (null: none). */
    public ChatRequest withTools(Tools functions) {
        return new ChatRequest(model, messages, mode, options, fitToContext, thoughtBudget, functions, agents, ownTools, screen);
    }

    /**
     * One turn: a role ("system", "user", "assistant", "tool") and its content, text and images in order; an assistant
     * turn's function calls, and the call a tool turn answers (null for others).
     */
    public record Message(String role, List<Part> content, List<ToolCall> toolCalls, String toolCallId) {
        public Message {
            Objects.requireNonNull(role, "role");
            content = List.copyOf(content);
            toolCalls = List.copyOf(toolCalls);
        }

        public Message(String role, List<Part> content) {
            this(role, content, List.of(), null);
        }

        /** A turn of plain text. */
        public static Message of(String role, String text) {
            return new Message(role, List.of(new Text(text)));
        }

        boolean hasImages() {
            return content.stream().anyMatch(p -> p instanceof Image);
        }
    }

    /** A function call an assistant turn made: the call's id, the function, and its arguments as JSON text (an object). */
    public record ToolCall(String id, String name, String arguments) {
        public ToolCall {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(arguments, "arguments");
        }

        /** The call as chat templates read it (transformers' form): the arguments as an object, not JSON text. */
        Map<String, Object> asTemplateValue() {
            Object parsed;
            try {
                parsed = JsonValues.parse(arguments, "the arguments of call " + id);
            } catch (FormatException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", name);
            function.put("arguments", parsed);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", id);
            out.put("type", "function");
            out.put("function", function);
            return out;
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
