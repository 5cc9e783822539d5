package dev.muse.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.runtime.ChatRequest;
import dev.muse.runtime.Tools;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI's function calling fields: {@code tools} (functions with a JSON-schema {@code parameters}), {@code tool_choice}
 * ("none", "auto", "required" or {@code {"type": "function", "function": {"name": ...}}}), {@code parallel_tool_calls},
 * and the {@code tool_calls} of an assistant message sent back.
 */
public final class ToolParams {
    /** Functions one request may offer: each is rendered into the prompt. */
    static final int MAX_TOOLS = 128;

    private ToolParams() {}

    /**
     * Muse's own tools a request lets the model use (Muse's {@code muse_tools}: true for every one, or their names:
     * calculator, generate_image, speak); null when none. The engine runs their calls itself.
     */
    public static List<String> ownTools(JsonNode body) {
        JsonNode n = body.get("muse_tools");
        if (n == null || n.isNull() || n.isBoolean() && !n.booleanValue()) return null;
        if (n.isBoolean()) return ChatRequest.OWN_TOOLS;
        if (!n.isArray()) throw ApiException.invalid("muse_tools", "'muse_tools' must be true or a list of Muse's tools: " + String.join(", ", ChatRequest.OWN_TOOLS));
        List<String> names = new ArrayList<>();
        for (JsonNode name : n) {
            if (!name.isTextual() || !ChatRequest.OWN_TOOLS.contains(name.textValue()))
                throw ApiException.invalid("muse_tools", "Muse has no tool " + name + " (its tools: " + String.join(", ", ChatRequest.OWN_TOOLS) + ")");
            names.add(name.textValue());
        }
        return names;
    }

    /**
     * The request's functions and choice; null when it offers none. With Muse's own tools ({@code own}, null for none) a
     * choice may name one of those, and may come without functions of the client's.
     */
    public static Tools read(JsonNode body, List<String> own) {
        JsonNode tools = body.get("tools");
        JsonNode choice = body.get("tool_choice");
        boolean none = tools == null || tools.isNull() || tools.isArray() && tools.isEmpty();
        if (none && (own == null || choice == null || choice.isNull())) {
            if (choice != null && !choice.isNull() && !"none".equals(choice.asText()) && !"auto".equals(choice.asText()))
                throw ApiException.invalid("tool_choice", "'tool_choice' needs 'tools'");
            return null;
        }
        if (none) tools = Json.MAPPER.createArrayNode(); // a choice among Muse's own tools alone
        if (!tools.isArray()) throw ApiException.invalid("tools", "'tools' must be an array");
        if (tools.size() > MAX_TOOLS) throw ApiException.invalid("tools", "at most " + MAX_TOOLS + " tools; got " + tools.size());
        List<Tools.Function> functions = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i), function = tool.path("function");
            String where = "tools[" + i + "]";
            if (!"function".equals(tool.path("type").asText()) || !function.isObject())
                throw ApiException.invalid(where, "'" + where + "' must be {\"type\": \"function\", \"function\": {...}}");
            JsonNode parameters = function.get("parameters");
            if (parameters != null && !parameters.isNull() && !parameters.isObject())
                throw ApiException.invalid(where + ".function.parameters", "'parameters' must be a JSON schema object");
            try {
                functions.add(new Tools.Function(Fields.requiredString(function, "name"), Fields.string(function, "description"),
                        parameters == null || parameters.isNull() ? null : Json.MAPPER.convertValue(parameters, Object.class)));
            } catch (ApiException e) {
                throw ApiException.invalid(where + ".function.name", "'" + where + ".function.name' is missing");
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(where + ".function.name", e.getMessage());
            }
        }
        Chosen chosen = choice(choice);
        if (chosen.mode == Tools.Choice.NAMED && functions.stream().noneMatch(f -> f.name().equals(chosen.named))
                && (own == null || !own.contains(chosen.named)))
            throw ApiException.invalid("tool_choice", "the function '" + chosen.named + "' that must be called is not among the tools");
        try {
            return new Tools(functions, chosen.mode, chosen.named, parallel(body));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("tools", e.getMessage());
        }
    }

    /** A tool_choice: its mode, and the function it names. */
    private record Chosen(Tools.Choice mode, String named) {}

    private static Chosen choice(JsonNode choice) {
        if (choice == null || choice.isNull()) return new Chosen(Tools.Choice.AUTO, null);
        if (choice.isTextual()) {
            return new Chosen(switch (choice.textValue()) {
                case "none" -> Tools.Choice.NONE;
                case "auto" -> Tools.Choice.AUTO;
                case "required" -> Tools.Choice.REQUIRED;
                default -> throw ApiException.invalid("tool_choice", "'tool_choice' must be none, auto, required or a named function");
            }, null);
        }
        if (choice.isObject() && choice.path("function").path("name").isTextual())
            return new Chosen(Tools.Choice.NAMED, choice.path("function").path("name").textValue());
        throw ApiException.invalid("tool_choice", "'tool_choice' must be none, auto, required or {\"type\": \"function\", \"function\": {\"name\": ...}}");
    }

    private static boolean parallel(JsonNode body) {
        JsonNode parallel = body.get("parallel_tool_calls");
        if (parallel != null && !parallel.isNull() && !parallel.isBoolean()) throw ApiException.invalid("parallel_tool_calls", "'parallel_tool_calls' must be a boolean");
        return parallel == null || parallel.isNull() || parallel.booleanValue();
    }

    /** The calls an assistant message made, as the client sends them back. */
    static List<ChatRequest.ToolCall> calls(JsonNode calls, String where) {
        if (calls == null || calls.isNull()) return List.of();
        if (!calls.isArray()) throw ApiException.invalid(where + ".tool_calls", "'tool_calls' must be an array");
        List<ChatRequest.ToolCall> out = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i), function = call.path("function");
            String at = where + ".tool_calls[" + i + "]";
            if (!call.path("id").isTextual() || !function.path("name").isTextual() || !function.path("arguments").isTextual())
                throw ApiException.invalid(at, "'" + at + "' needs 'id', 'function.name' and 'function.arguments' (JSON text)");
            boolean object;
            try {
                object = Json.MAPPER.readTree(function.get("arguments").textValue()) instanceof com.fasterxml.jackson.databind.node.ObjectNode;
            } catch (java.io.IOException e) {
                object = false;
            }
            if (!object) throw ApiException.invalid(at + ".function.arguments", "'" + at + ".function.arguments' must be a JSON object, as text");
            out.add(new ChatRequest.ToolCall(call.get("id").textValue(), function.get("name").textValue(), function.get("arguments").textValue()));
        }
        return out;
    }
}
