package dev.muse.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muse.runtime.Residency;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /v1/models}, {@code GET /v1/models/{id}} and {@code POST /v1/models/{id}/unload}. Besides
 * OpenAI's fields each model says whether it is loaded, its file size and, when loaded, its context
 * window and the memory it holds.
 */
final class ModelsService implements HttpService {
    private final Models models;

    ModelsService(Models models) { this.models = models; }

    @Override public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .get("/{id}", this::one)
                .post("/{id}/unload", this::unload);
    }

    private void list(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.object();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        for (Residency.Known k : models.residency().list()) data.add(describe(k));
        Json.send(res, 200, body);
    }

    private void one(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        Residency.Known known = models.residency().list().stream().filter(k -> k.id().equals(id)).findFirst()
                .orElseThrow(() -> ApiException.modelNotFound(id));
        Json.send(res, 200, describe(known));
    }

    private void unload(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        boolean was;
        try {
            was = models.residency().unload(id);
        } catch (Residency.UnknownModelException e) {
            throw ApiException.modelNotFound(id);
        }
        ObjectNode body = Json.object();
        body.put("id", id);
        body.put("object", "model");
        body.put("unloaded", was);
        Json.send(res, 200, body);
    }

    private static ObjectNode describe(Residency.Known k) {
        ObjectNode m = Json.object();
        m.put("id", k.id());
        m.put("object", "model");
        m.put("created", k.path().toFile().lastModified() / 1000);
        m.put("owned_by", "muse");
        m.put("loaded", k.loaded().isPresent());
        m.put("size_bytes", k.fileBytes());
        var input = m.putArray("input_modalities"); // what a request may send it: images only with a vision projector
        input.add("text");
        if (k.projector() != null) input.add("image");
        k.loaded().ifPresent(l -> {
            m.put("architecture", l.text().model().architecture());
            m.put("context_length", l.scheduler().options().contextLength());
            m.put("max_sequences", l.scheduler().options().maxSequences());
            m.put("resident_bytes", l.residentBytes());
            m.put("chat_template", l.text().hasChatTemplate());
        });
        return m;
    }
}
