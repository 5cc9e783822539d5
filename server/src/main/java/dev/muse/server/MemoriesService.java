package dev.muse.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muse.server.openai.ApiException;
import dev.muse.server.openai.Json;
import dev.muse.server.store.Memories;
import dev.muse.server.store.NotFoundException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * What the assistant remembers, per key, for the person to see and change: {@code GET /v1/memories} (the memories and
 * whether memory is on), {@code POST /v1/memories} ({@code text}: remember this), {@code POST /v1/memories/{id}}
 * ({@code text}: an edit), {@code DELETE /v1/memories/{id}} (gone: it is never recalled again), and
 * {@code POST /v1/memories/settings} ({@code enabled}: off, nothing is remembered or recalled).
 */
final class MemoriesService implements HttpService {
    private final Memories memories;
    private final Remembering remembering;

    MemoriesService(Memories memories, Remembering remembering) {
        this.memories = memories;
        this.remembering = remembering;
    }

    @Override public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .post("/settings", this::settings)
                .post("/", this::create)
                .post("/{id}", this::edit)
                .delete("/{id}", this::delete);
    }

    private void list(ServerRequest req, ServerResponse res) {
        String owner = Access.owner(req);
        ArrayNode data = Json.MAPPER.createArrayNode();
        for (Memories.Memory m : memories.list(owner)) data.add(Remembering.json(m));
        ObjectNode out = Json.object();
        out.put("object", "list");
        out.put("enabled", memories.enabled(owner));
        out.set("data", data);
        Json.send(res, 200, out);
    }

    private void create(ServerRequest req, ServerResponse res) {
        String text = text(req);
        Json.send(res, 201, Remembering.json(memories.create(Access.owner(req), text, remembering.embed(text))));
    }

    private void settings(ServerRequest req, ServerResponse res) {
        JsonNode enabled = Json.readBody(req, 4096).get("enabled");
        if (enabled == null || !enabled.isBoolean()) throw ApiException.invalid("enabled", "'enabled' must be true or false");
        memories.setEnabled(Access.owner(req), enabled.booleanValue());
        list(req, res);
    }

    private void edit(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        String text = text(req);
        try {
            Json.send(res, 200, Remembering.json(memories.update(Access.owner(req), id, text, remembering.embed(text))));
        } catch (NotFoundException e) {
            throw ApiException.notFound("No memory " + id);
        }
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        try {
            memories.delete(Access.owner(req), id);
        } catch (NotFoundException e) {
            throw ApiException.notFound("No memory " + id);
        }
        ObjectNode out = Json.object();
        out.put("id", id);
        out.put("object", "memory.deleted");
        out.put("deleted", true);
        Json.send(res, 200, out);
    }

    private String text(ServerRequest req) {
        JsonNode text = Json.readBody(req, 16_384).get("text");
        if (text == null || !text.isTextual() || text.asText().isBlank()) throw ApiException.invalid("text", "missing_required_parameter", "Missing required parameter: 'text'");
        if (text.asText().length() > Memories.MAX_TEXT) throw ApiException.invalid("text", "a memory is at most " + Memories.MAX_TEXT + " characters");
        return text.asText().strip();
    }
}
