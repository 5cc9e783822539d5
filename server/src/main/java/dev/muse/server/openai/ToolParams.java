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

    /** The request's functions and choice; null when it offers none. */
    public static Tools read(JsonNode body) {
        JsonNode tools = body.get("tools");
        JsonNode choice = body.get("tool_choice");
        if (tools == null || tools.isNull() || tools.isArray() && tools.isEmpty()) {
            if (choice != null && !choice.isNull() && !"none".equals(choice.asText()) && !"auto".equals(choice.asText()))
                throw ApiException.invalid("tool_choice", "'tool_choice' needs 'tools'");
            return null;
        }
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
        Tools.Choice mode = Tools.Choice.AUTO;
        String named = null;
        if (choice != null && !choice.isNull()) {
            if (choice.isTextual()) {
                mode = switch (choice.textValue()) {
                    case "none" -> Tools.Choice.NONE;
                    case "auto" -> Tools.Choice.AUTO;
                    case "required" -> Tools.Choice.REQUIRED;
                    default -> throw ApiException.invalid("tool_choice", "'tool_choice' must be none, auto, required or a named function");
                };
            } else if (choice.isObject() && choice.path("function").path("name").isTextual()) {
                mode = Tools.Choice.NAMED;
                named = choice.path("function").path("name").textValue();
            } else {
                throw ApiException.invalid("tool_choice", "'tool_choice' must be none, auto, required or {\"type\": \"function\", \"function\": {\"name\": ...}}");
            }
        }
        JsonNode parallel = body.get("parallel_tool_calls");
        if (parallel != null && !parallel.isNull() && !parallel.isBoolean()) throw ApiException.invalid("parallel_tool_calls", "'parallel_tool_calls' must be a boolean");
        try {
            return new Tools(functions, mode, named, parallel == null || parallel.isNull() || parallel.booleanValue());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(mode == Tools.Choice.NAMED ? "tool_choice" : "tools", e.getMessage());
        }
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
