package dev.muse.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A stored message.
 *
 * @param ordinal position in its conversation: 0, 1, 2... with no gaps or repeats
 * @param content   a JSON string, or an array of OpenAI content parts
 * @param reasoning a reasoning model's thought behind an assistant reply, apart from its content; null when none
 * @param contemplation a contemplating reply's sub-agents' work ({@code {"agents": [...]}}); null when none
 * @param toolSteps the steps of Muse's own tools a reply ran ({@code [{id, name, arguments, result, outputs}]}); null when none
 * @param citations the passages of the person's documents a grounded reply was given to cite ([{index, document, page, ...}]); null when none
 * @param refusal why the server's safety screening stopped an assistant reply; null when it did not
 * @param usage   token counts of an assistant reply, null when not known
 */
public record Message(String id, String conversationId, int ordinal, Role role, JsonNode content, String reasoning, JsonNode contemplation,
                      JsonNode toolSteps, JsonNode citations, String refusal, MessageStatus status,
                      TokenUsage usage, Instant createdAt, Instant updatedAt, List<Attachment> attachments) {
    public Message {
        attachments = List.copyOf(attachments);
    }
}
