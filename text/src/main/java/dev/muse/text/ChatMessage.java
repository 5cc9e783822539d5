package dev.muse.text;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One turn of a conversation, as chat templates receive it: {@code {"role": ..., "content": ...}}, with an assistant
 * turn's {@code tool_calls} and a tool result's {@code tool_call_id} where there are.
 *
 * @param role       "system", "user", "assistant" or "tool" (templates decide which they accept)
 * @param content    the text of the turn
 * @param toolCalls  the functions an assistant turn called, as transformers passes them: maps of {@code id}, {@code type}
 *                   ("function") and {@code function} ({@code name}, {@code arguments} as parsed JSON); empty for none
 * @param toolCallId the call a tool turn answers; null for other turns
 */
public record ChatMessage(String role, String content, List<Map<String, Object>> toolCalls, String toolCallId) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        toolCalls = List.copyOf(toolCalls);
    }

    public ChatMessage(String role, String content) {
        this(role, content, List.of(), null);
    }

    public static ChatMessage system(String content) { return new ChatMessage("system", content); }

    public static ChatMessage user(String content) { return new ChatMessage("user", content); }

    public static ChatMessage assistant(String content) { return new ChatMessage("assistant", content); }
}
