package dev.muse.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.runtime.ChatRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * OpenAI chat messages to the runtime's: roles checked, text, image_url and input_audio content parts kept in order
 * (a spoken turn is heard by the engine's speech model and reaches the language model as text). An
 * image's URL is read only when the runtime asks for its bytes, which it does once the model is known to take
 * images, so a text-only model never makes the server fetch anything.
 */
public final class ChatMessages {
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    /** The field Muse adds to a stored input_audio part: the text its speech model heard in it. */
    public static final String TRANSCRIPT = "transcript";

    /**
     * The field the studio adds to a picture an image model drew (an image_url part): its parameters. A chat model is sent
     * the picture's prompt instead of the picture, so a conversation goes on with any model after a drawing.
     */
    public static final String DRAWING = "muse_drawing";

    /** Images one request may send: each is decoded and encoded before the prompt's length is known. */
    public static final int MAX_IMAGES = 16;

    /** The messages as the runtime takes them, and each message's content as sent (to store). */
    public record Input(List<ChatRequest.Message> messages, List<JsonNode> contents) {}

    private ChatMessages() {}

    public static Input read(JsonNode body, ImageUrls urls) {
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull())
            throw ApiException.invalid("messages", "missing_required_parameter", "Missing required parameter: 'messages'");
        if (!messages.isArray() || messages.isEmpty())
            throw ApiException.invalid("messages", "'messages' must be a non-empty array");
        List<ChatRequest.Message> out = new ArrayList<>();
        List<JsonNode> contents = new ArrayList<>();
        int images = 0;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) throw ApiException.invalid(where, "'" + where + "' must be an object");
            String role = Fields.string(m, "role");
            if (role == null || !ROLES.contains(role))
                throw ApiException.invalid(where + ".role", "'" + where + ".role' must be one of system, developer, user, assistant, tool; got " + m.get("role"));
            ChatRequest.Message message = message(role, m.get("content"), where, urls);
            List<ChatRequest.ToolCall> calls = role.equals("assistant") ? ToolParams.calls(m.get("tool_calls"), where) : List.of();
            String answers = role.equals("tool") ? Fields.requiredString(m, "tool_call_id") : null;
            if (!calls.isEmpty() || answers != null) message = new ChatRequest.Message(message.role(), message.content(), calls, answers);
            images += (int) message.content().stream().filter(p -> p instanceof ChatRequest.Image).count();
            out.add(message);
            contents.add(m.get("content"));
        }
        if (images > MAX_IMAGES)
            throw ApiException.invalid("messages", "too_many_images", "a request may send at most " + MAX_IMAGES + " images; it sent " + images);
        return new Input(out, contents);
    }

    /** A message whose content is a string or an array of text and image_url parts ("developer" is a system turn). */
    public static ChatRequest.Message message(String role, JsonNode content, String where, ImageUrls urls) {
        return new ChatRequest.Message(role.equals("developer") ? "system" : role, parts(content, where, urls));
    }

    private static List<ChatRequest.Part> parts(JsonNode content, String where, ImageUrls urls) {
        if (content == null || content.isNull()) return List.of();
        if (content.isTextual()) return List.of(new ChatRequest.Text(content.textValue()));
        if (!content.isArray()) throw ApiException.invalid(where + ".content", "'" + where + ".content' must be a string or an array of content parts");
        List<ChatRequest.Part> parts = new ArrayList<>();
        for (JsonNode part : content) {
            String type = part.path("type").asText("");
            switch (type) {
                case "text" -> {
                    if (!part.path("text").isTextual()) throw ApiException.invalid(where + ".content", "a text content part needs a 'text' string");
                    parts.add(new ChatRequest.Text(part.get("text").textValue()));
                }
                case "image_url" -> {
                    JsonNode drawn = part.path(DRAWING);
                    if (drawn.isObject()) { // a picture an image model drew in this conversation: chat models read what it shows
                        parts.add(new ChatRequest.Text("[a picture drawn from the prompt: " + drawn.path("prompt").asText("") + "]"));
                        continue;
                    }
                    JsonNode url = part.path("image_url");
                    String address = url.isTextual() ? url.textValue() : url.path("url").asText(null);
                    // read once however often it is asked for (the safety screening, then the model)
                    java.util.concurrent.atomic.AtomicReference<byte[]> read = new java.util.concurrent.atomic.AtomicReference<>();
                    parts.add(new ChatRequest.Image(() -> read.updateAndGet(b -> b != null ? b : urls.read(address, where + ".content"))));
                }
                case "input_audio" -> {
                    JsonNode data = part.path("input_audio").path("data");
                    if (!data.isTextual() || data.textValue().isEmpty())
                        throw ApiException.invalid(where + ".content", "an input_audio part needs 'input_audio.data': the sound file in base64");
                    byte[] bytes;
                    try {
                        bytes = java.util.Base64.getDecoder().decode(data.textValue());
                    } catch (IllegalArgumentException e) {
                        throw ApiException.invalid(where + ".content", "'input_audio.data' is not valid base64: " + e.getMessage());
                    }
                    // a stored turn carries what was heard in it the first time (Muse's extension), so it is not heard again
                    JsonNode heard = part.path(TRANSCRIPT);
                    parts.add(new ChatRequest.Audio(bytes, heard.isTextual() ? heard.textValue() : null));
                }
                case "file" -> throw ApiException.invalid(where + ".content", "unsupported_content", "Muse cannot take files in chat messages yet");
                default -> throw ApiException.invalid(where + ".content", "unknown content part type '" + type + "'");
            }
        }
        return parts;
    }
}
