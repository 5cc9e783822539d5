package dev.muse.text.template;

import dev.muse.text.ChatMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The conversations every chat template is rendered with, in both engines. */
final class Conversations {
    private Conversations() {}

    static final String BOS = "<s>";
    static final String EOS = "</s>";

    /** A named conversation, optionally with tools. */
    record Conversation(String name, List<ChatMessage> messages, boolean withTools) {}

    static final List<Conversation> ALL = List.of(
            new Conversation("system+user", List.of(
                    ChatMessage.system("You are a helpful assistant."),
                    ChatMessage.user("Hello! What can you do?")), false),
            new Conversation("user-only", List.of(
                    ChatMessage.user("What is the capital of France?")), false),
            new Conversation("multi-turn", List.of(
                    ChatMessage.user("Hi there."),
                    ChatMessage.assistant("Hello! How can I help you today?"),
                    ChatMessage.user("Tell me a joke about compilers.")), false),
            new Conversation("unicode", List.of(
                    ChatMessage.system("Réponds en français, s'il te plaît."),
                    ChatMessage.user("Привет, 世界! 👋 “quotes”, \"escapes\" \\ <tags> & a\ttab\nnew line"),
                    ChatMessage.assistant("Ça va très bien 😊 — merci !"),
                    ChatMessage.user("Encore une fois ? ñ ü ß İ")), false),
            new Conversation("tools", List.of(
                    ChatMessage.user("What's the weather in Paris right now?")), true));

    /** An OpenAI-style function list, as transformers passes {@code tools}. */
    static List<Object> tools() {
        Map<String, Object> location = new LinkedHashMap<>();
        location.put("type", "string");
        location.put("description", "City name, e.g. \"Paris\"");
        Map<String, Object> unit = new LinkedHashMap<>();
        unit.put("type", "string");
        unit.put("enum", List.of("celsius", "fahrenheit"));
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("location", location);
        properties.put("unit", unit);
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("type", "object");
        parameters.put("properties", properties);
        parameters.put("required", List.of("location"));
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", "get_weather");
        function.put("description", "Get the current weather for a city.");
        function.put("parameters", parameters);
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("type", "function");
        tool.put("function", function);
        return new ArrayList<>(List.of(tool));
    }

    /** The context both engines get: built by Muse's own {@link ChatTemplate#chatContext}. */
    static Map<String, Object> context(Conversation c, boolean addGenerationPrompt) {
        Map<String, Object> extra = c.withTools() ? Map.of("tools", tools()) : Map.of();
        return ChatTemplate.chatContext(c.messages(), addGenerationPrompt, BOS, EOS, extra);
    }
}
