package dev.muse.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.server.ApiException;
import dev.muse.text.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** OpenAI chat messages to Muse's: roles checked, text content parts joined. */
public final class ChatMessages {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");

    private ChatMessages() {}

    public static List<ChatMessage> read(JsonNode body, String model) {
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull())
            throw ApiException.invalid("messages", "missing_required_parameter", "Missing required parameter: 'messages'");
        if (!messages.isArray() || messages.isEmpty())
            throw ApiException.invalid("messages", "'messages' must be a non-empty array");
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) throw ApiException.invalid(where, "'" + where + "' must be an object");
            String role = Fields.string(m, "role");
            if (role == null || !ROLES.contains(role))
                throw ApiException.invalid(where + ".role", "'" + where + ".role' must be one of system, developer, user, assistant; got " + m.get("role"));
            out.add(new ChatMessage(role.equals("developer") ? "system" : role, content(m.get("content"), where, model)));
        }
        return out;
    }

    /** A string, or an array of content parts of which only text parts are understood by a text model. */
    public static String content(JsonNode content, String where, String model) {
        if (content == null || content.isNull()) return "";
        if (content.isTextual()) return content.textValue();
        if (!content.isArray()) throw ApiException.invalid(where + ".content", "'" + where + ".content' must be a string or an array of content parts");
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            String type = part.path("type").asText("");
            switch (type) {
                case "text" -> {
                    if (!part.path("text").isTextual()) throw ApiException.invalid(where + ".content", "a text content part needs a 'text' string");
                    text.append(part.get("text").textValue());
                }
                case "image_url", "input_audio", "file" -> throw ApiException.invalid(where + ".content", "unsupported_content",
                        "The model '" + model + "' cannot take " + (type.equals("image_url") ? "images" : type.equals("input_audio") ? "audio" : "files")
                                + "; it reads text only");
                default -> throw ApiException.invalid(where + ".content", "unknown content part type '" + type + "'");
            }
        }
        return text.toString();
    }
}
