package dev.muse.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muse.runtime.ChatRequest;
import dev.muse.server.openai.ApiException;
import dev.muse.server.openai.Json;
import java.util.List;

/**
 * A chat grounded in the person's documents ({@code muse_collections}: a list of collection names, or {@code true} for
 * all of the key's): the passages best for the last user turn are found ({@link DocumentsService#search}), given to the
 * model in a system message just before that turn, numbered, with the rule to cite each one used as [n], and returned to
 * the client as {@code muse_citations} (number, document, page, heading, text) so every [n] can be followed to its passage.
 */
record Grounding(ChatRequest.Message sources, ArrayNode citations) {
    static final int PASSAGES = 5;

    /** The grounding a request asks for, or null when it asks for none (or its documents hold nothing to find). */
    static Grounding of(JsonNode body, String owner, List<ChatRequest.Message> messages, DocumentsService documents) {
        JsonNode asked = body.get("muse_collections");
        if (asked == null || asked.isNull() || asked.isBoolean() && !asked.booleanValue()) return null;
        List<String> collections = asked.isBoolean() ? null : collections(asked);
        String question = Remembering.lastUserText(messages);
        if (question.isBlank()) return null;
        List<DocumentsService.Passage> passages = documents.search(owner, question, collections, PASSAGES);
        if (passages.isEmpty()) return null;
        StringBuilder text = new StringBuilder("Passages from the person's documents that may help with their next message. Where they answer it, "
                + "answer from them and cite each passage you use by its number in square brackets, like [1]; where they do not, say so.\n");
        ArrayNode citations = Json.MAPPER.createArrayNode();
        for (int i = 0; i < passages.size(); i++) {
            var c = passages.get(i).chunk();
            String where = c.documentName() + (c.page() > 0 ? ", page " + c.page() : "") + (c.heading() != null ? ", \"" + c.heading() + "\"" : "");
            text.append("\n[").append(i + 1).append("] ").append(where).append(":\n").append(c.text()).append('\n');
            ObjectNode citation = passages.get(i).json();
            citation.put("index", i + 1);
            citations.add(citation);
        }
        return new Grounding(ChatRequest.Message.of("system", text.toString()), citations);
    }

    /** {@code messages} with the sources just before the last user turn. */
    List<ChatRequest.Message> into(List<ChatRequest.Message> messages) {
        return Remembering.beforeLastUser(messages, sources);
    }

    private static List<String> collections(JsonNode asked) {
        try {
            return DocumentsService.collections(asked);
        } catch (ApiException e) {
            throw ApiException.invalid("muse_collections", "'muse_collections' is true (all your documents) or a list of collection names");
        }
    }
}
