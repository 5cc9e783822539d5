package dev.muse.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Locale;

/** The JSON kept in text columns: message content and conversation settings, checked on the way in. */
final class StoredJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StoredJson() {}

    /** Content is what OpenAI allows for a message: a string, or an array of parts that are objects with a "type". */
    static JsonNode checkContent(JsonNode content) {
        if (content == null || content.isNull()) throw new IllegalArgumentException("message content missing");
        if (content.isTextual()) return content;
        if (!content.isArray()) throw new IllegalArgumentException("message content must be a string or an array of content parts");
        for (JsonNode part : content) {
            if (!part.isObject() || !part.path("type").isTextual()) {
                throw new IllegalArgumentException("each content part must be an object with a \"type\"");
            }
        }
        return content;
    }

    /** Settings are a JSON object; null means none. */
    static JsonNode checkSettings(JsonNode settings) {
        if (settings == null || settings.isNull()) return JsonNodeFactory.instance.objectNode();
        if (!settings.isObject()) throw new IllegalArgumentException("conversation settings must be a JSON object");
        return settings;
    }

    /**
     * The words a search looks in: the string, or the "text" of every part, lower-cased here because
     * SQLite's lower() and LIKE fold ASCII letters only. JSON syntax and image data stay unsearchable.
     */
    static String searchText(JsonNode content) {
        if (content.isTextual()) return fold(content.asText());
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            JsonNode partText = part.get("text");
            if (partText != null && partText.isTextual()) text.append(partText.asText()).append('\n');
        }
        return fold(text.toString());
    }

    static String fold(String text) { return text.toLowerCase(Locale.ROOT); }

    static String write(JsonNode json) {
        try {
            return MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    static JsonNode read(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new StoreException("stored JSON is corrupt: " + e.getOriginalMessage(), e);
        }
    }
}
