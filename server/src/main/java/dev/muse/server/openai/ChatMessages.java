package dev.muse.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.runtime.TextModel;
import dev.muse.server.ApiException;
import dev.muse.text.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * OpenAI chat messages to Muse's: roles checked, text content parts joined, and each {@code image_url}
 * part replaced by {@link TextModel#IMAGE_MARKER} in the text while its URL is collected in order (the
 * model's prompt assembly puts the encoded image where the marker is). URLs are only read once the model is
 * known to take images, so a text-only model never makes the server fetch anything.
 */
public final class ChatMessages {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");

    /** Images one request may send: each is decoded and encoded before the prompt's length is known. */
    public static final int MAX_IMAGES = 16;

    /** An image_url part: its URL and where in the request it was (for error messages). */
    public record ImageRef(String url, String where) {}

    /** Messages as the template sees them, the images their markers stand for, and each message's content as sent (to store). */
    public record Input(List<ChatMessage> messages, List<ImageRef> images, List<JsonNode> contents) {}

    private ChatMessages() {}

    public static Input read(JsonNode body) {
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull())
            throw ApiException.invalid("messages", "missing_required_parameter", "Missing required parameter: 'messages'");
        if (!messages.isArray() || messages.isEmpty())
            throw ApiException.invalid("messages", "'messages' must be a non-empty array");
        List<ChatMessage> out = new ArrayList<>();
        List<ImageRef> images = new ArrayList<>();
        List<JsonNode> contents = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) throw ApiException.invalid(where, "'" + where + "' must be an object");
            String role = Fields.string(m, "role");
            if (role == null || !ROLES.contains(role))
                throw ApiException.invalid(where + ".role", "'" + where + ".role' must be one of system, developer, user, assistant; got " + m.get("role"));
            out.add(new ChatMessage(role.equals("developer") ? "system" : role, content(m.get("content"), where, images)));
            contents.add(m.get("content"));
        }
        if (images.size() > MAX_IMAGES)
            throw ApiException.invalid("messages", "too_many_images", "a request may send at most " + MAX_IMAGES + " images; it sent " + images.size());
        return new Input(out, images, contents);
    }

    /**
     * A string, or an array of text and image_url parts; image URLs are appended to {@code images} and
     * their places marked in the returned text.
     */
    public static String content(JsonNode content, String where, List<ImageRef> images) {
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
                case "image_url" -> {
                    JsonNode url = part.path("image_url");
                    images.add(new ImageRef(url.isTextual() ? url.textValue() : url.path("url").asText(null), where + ".content"));
                    text.append(TextModel.IMAGE_MARKER);
                }
                case "input_audio", "file" -> throw ApiException.invalid(where + ".content", "unsupported_content",
                        "Muse cannot take " + (type.equals("input_audio") ? "audio" : "files") + " in chat messages yet");
                default -> throw ApiException.invalid(where + ".content", "unknown content part type '" + type + "'");
            }
        }
        return text.toString();
    }
}
