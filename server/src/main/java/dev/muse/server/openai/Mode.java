package dev.muse.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.server.ApiException;
import java.util.Map;

/**
 * How hard the assistant thinks, Muse's {@code mode} request field. Today the runtime maps it onto the
 * chat template: Instant turns a reasoning model's thinking off ({@code enable_thinking = false}, as Qwen3's
 * template reads it), Thinking and Contemplating turn it on. Without the field the template's own default
 * applies. (Contemplating, several reasoners in parallel and then one answer, is the runtime's to grow into.)
 */
public enum Mode {
    INSTANT, THINKING, CONTEMPLATING;

    /** The mode a request asks for, or null when it names none. */
    public static Mode read(JsonNode body) {
        JsonNode n = body.get("mode");
        if (n == null || n.isNull()) return null;
        return switch (n.isTextual() ? n.textValue() : "") {
            case "instant" -> INSTANT;
            case "thinking" -> THINKING;
            case "contemplating" -> CONTEMPLATING;
            default -> throw ApiException.invalid("mode", "'mode' must be one of instant, thinking, contemplating; got " + n);
        };
    }

    /** The chat template variables this mode sets. */
    public static Map<String, Object> templateVariables(Mode mode) {
        return mode == null ? Map.of() : Map.of("enable_thinking", mode != INSTANT);
    }
}
