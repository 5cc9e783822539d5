package dev.muse.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.runtime.Mode;

/** Muse's {@code mode} request field: how hard the assistant thinks (instant, thinking or contemplating). */
public final class Modes {
    private Modes() {}

    /** The mode a request asks for, or null when it names none. */
    public static Mode read(JsonNode body) {
        JsonNode n = body.get("mode");
        if (n == null || n.isNull()) return null;
        return switch (n.isTextual() ? n.textValue() : "") {
            case "instant" -> Mode.INSTANT;
            case "thinking" -> Mode.THINKING;
            case "contemplating" -> Mode.CONTEMPLATING;
            default -> throw ApiException.invalid("mode", "'mode' must be one of instant, thinking, contemplating; got " + n);
        };
    }
}
