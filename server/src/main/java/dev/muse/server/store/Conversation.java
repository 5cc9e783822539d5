package dev.muse.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A conversation's own fields; its messages come from {@link Messages#list}.
 *
 * @param model    the model it talks to, or null when the server's default applies
 * @param settings a JSON object (system prompt, temperature, max tokens...) stored as given
 * @param updatedAt last change to the conversation or its messages; listings are newest first by it
 */
public record Conversation(String id, String owner, String title, String model, JsonNode settings,
                           Instant createdAt, Instant updatedAt) {}
