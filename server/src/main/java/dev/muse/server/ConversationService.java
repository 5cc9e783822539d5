package dev.muse.server;

import dev.muse.server.openai.ApiException;
import dev.muse.server.openai.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muse.server.store.Conversation;
import dev.muse.server.store.ConversationPage;
import dev.muse.server.store.Message;
import dev.muse.server.store.NotFoundException;
import dev.muse.server.store.Role;
import dev.muse.server.store.Store;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Locale;
import java.util.Optional;

/**
 * Stored conversations, always of the caller's owner: {@code GET /v1/conversations[?search=&limit=&before=]},
 * {@code POST /v1/conversations}, {@code GET|PATCH|DELETE /v1/conversations/{id}},
 * {@code POST /v1/conversations/{id}/messages} and {@code DELETE /v1/conversations/{id}/messages/{message_id}}
 * (which rewinds the conversation to just before that message). Another owner's conversation answers 404,
 * like a missing one.
 */
final class ConversationService implements HttpService {
    private final Store store;
    private final Access access;

    ConversationService(Store store, Access access) {
        this.store = store;
        this.access = access;
    }

    @Override public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .post("/", this::create)
                .get("/{id}", this::get)
                .patch("/{id}", this::update)
                .delete("/{id}", this::delete)
                .post("/{id}/messages", this::append)
                .delete("/{id}/messages/{message_id}", this::truncate);
    }

    private void list(ServerRequest req, ServerResponse res) {
        String search = req.query().first("search").orElse(null);
        int limit;
        try {
            limit = Integer.parseInt(req.query().first("limit").orElse("50"));
        } catch (NumberFormatException e) {
            throw ApiException.invalid("limit", "'limit' must be an integer");
        }
        if (limit < 1 || limit > 200) throw ApiException.invalid("limit", "'limit' must be between 1 and 200");
        ConversationPage page;
        try {
            page = store.conversations().list(Access.owner(req), search, limit, req.query().first("before").orElse(null));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("before", e.getMessage());
        }
        ObjectNode body = Json.object();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        for (Conversation c : page.conversations()) data.add(describe(c));
        body.put("next_cursor", page.nextCursor());
        Json.send(res, 200, body);
    }

    private void create(ServerRequest req, ServerResponse res) {
        JsonNode body = Json.readBody(req, access.limits().maxBodyBytes());
        Conversation c = store.conversations().create(Access.owner(req), text(body, "title", "New conversation"), text(body, "model", null), settings(body));
        Json.send(res, 201, describe(c));
    }

    private void get(ServerRequest req, ServerResponse res) {
        String owner = Access.owner(req), id = req.path().pathParameters().get("id");
        Conversation c = store.conversations().get(owner, id).orElseThrow(() -> notFound(id));
        ObjectNode body = describe(c);
        ArrayNode messages = body.putArray("messages");
        for (Message m : store.messages().list(owner, id)) messages.add(describe(m));
        Json.send(res, 200, body);
    }

    private void update(ServerRequest req, ServerResponse res) {
        String owner = Access.owner(req), id = req.path().pathParameters().get("id");
        JsonNode body = Json.readBody(req, access.limits().maxBodyBytes());
        Conversation c = store.conversations().get(owner, id).orElseThrow(() -> notFound(id));
        if (body.hasNonNull("title")) c = store.conversations().rename(owner, id, text(body, "title", c.title()));
        if (body.hasNonNull("model") || body.hasNonNull("settings"))
            c = store.conversations().updateSettings(owner, id, text(body, "model", c.model()), body.hasNonNull("settings") ? settings(body) : c.settings());
        Json.send(res, 200, describe(c));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        if (!store.conversations().delete(Access.owner(req), id)) throw notFound(id);
        ObjectNode body = Json.object();
        body.put("id", id);
        body.put("object", "conversation.deleted");
        body.put("deleted", true);
        Json.send(res, 200, body);
    }

    private void append(ServerRequest req, ServerResponse res) {
        String owner = Access.owner(req), id = req.path().pathParameters().get("id");
        JsonNode body = Json.readBody(req, access.limits().maxBodyBytes());
        store.conversations().get(owner, id).orElseThrow(() -> notFound(id));
        Role role = role(body.path("role").asText(""));
        JsonNode content = body.get("content");
        if (content == null || !(content.isTextual() || content.isArray())) throw ApiException.invalid("content", "'content' must be a string or an array of content parts");
        for (JsonNode part : content)
            if (!part.isObject() || !part.path("type").isTextual())
                throw ApiException.invalid("content", "each content part must be an object with a 'type' string");
        Json.send(res, 201, describe(store.messages().append(owner, id, role, content)));
    }

    /** Deletes a message and every later one: how a client regenerates an answer or edits an earlier turn. */
    private void truncate(ServerRequest req, ServerResponse res) {
        String owner = Access.owner(req), id = req.path().pathParameters().get("id"), from = req.path().pathParameters().get("message_id");
        store.conversations().get(owner, id).orElseThrow(() -> notFound(id));
        int deleted;
        try {
            deleted = store.messages().truncate(owner, id, from);
        } catch (NotFoundException e) {
            throw ApiException.notFound("No message found with id '" + from + "' in conversation '" + id + "'");
        }
        ObjectNode body = Json.object();
        body.put("id", id);
        body.put("object", "conversation.truncated");
        body.put("from", from);
        body.put("deleted", deleted);
        Json.send(res, 200, body);
    }

    static ObjectNode describe(Conversation c) {
        ObjectNode o = Json.object();
        o.put("id", c.id());
        o.put("object", "conversation");
        o.put("title", c.title());
        o.put("model", c.model());
        o.set("settings", c.settings());
        o.put("created_at", c.createdAt().getEpochSecond());
        o.put("updated_at", c.updatedAt().getEpochSecond());
        return o;
    }

    static ObjectNode describe(Message m) {
        ObjectNode o = Json.object();
        o.put("id", m.id());
        o.put("object", "conversation.message");
        o.put("role", m.role().name().toLowerCase(Locale.ROOT));
        o.set("content", m.content());
        if (m.reasoning() != null) o.put("reasoning_content", m.reasoning());
        if (m.contemplation() != null) o.set("contemplation", m.contemplation());
        if (m.toolSteps() != null) o.set("tool_steps", m.toolSteps());
        if (m.citations() != null) o.set("muse_citations", m.citations());
        if (m.refusal() != null) o.put("refusal", m.refusal());
        o.put("status", m.status().name().toLowerCase(Locale.ROOT));
        if (m.usage() != null)
            o.set("usage", dev.muse.server.openai.Wire.usage(m.usage().promptTokens(), m.usage().completionTokens(), 0, m.usage().leftOutMessages()));
        o.put("created_at", m.createdAt().getEpochSecond());
        return o;
    }

    static Role role(String role) {
        return switch (role) {
            case "system", "developer" -> Role.SYSTEM;
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            default -> throw ApiException.invalid("role", "'role' must be system, user or assistant");
        };
    }

    /**
     * The conversation's own system prompt ({@code settings.system_prompt}), which a chat in it starts with.
     * Kept in the settings rather than as a stored message so that changing it never rewrites the history.
     */
    static Optional<String> systemPrompt(Conversation c) {
        JsonNode prompt = c.settings().path("system_prompt");
        return prompt.isTextual() && !prompt.textValue().isBlank() ? Optional.of(prompt.textValue()) : Optional.empty();
    }

    static ApiException notFound(String id) {
        return ApiException.notFound("No conversation found with id '" + id + "'");
    }

    private static String text(JsonNode body, String name, String otherwise) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) return otherwise;
        if (!n.isTextual() || n.textValue().length() > 500) throw ApiException.invalid(name, "'" + name + "' must be a string of at most 500 characters");
        return n.textValue();
    }

    private static JsonNode settings(JsonNode body) {
        JsonNode s = body.get("settings");
        if (s == null || s.isNull()) return Json.object();
        if (!s.isObject()) throw ApiException.invalid("settings", "'settings' must be an object");
        return s;
    }
}
