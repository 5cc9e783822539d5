package dev.muse.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muse.runtime.Engine;
import dev.muse.runtime.ModelInfo;
import dev.muse.server.openai.ApiException;
import dev.muse.server.openai.Json;
import dev.muse.server.openai.Wire;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code GET /v1/models}, {@code GET /v1/models/{id}} and {@code POST /v1/models/{id}/unload} (admin keys only). */
final class ModelsService implements HttpService {
    private final Engine engine;

    ModelsService(Engine engine) { this.engine = engine; }

    @Override public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .get("/{id}", this::one)
                .post("/{id}/unload", this::unload);
    }

    private void list(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.object();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        for (ModelInfo m : engine.models()) data.add(Wire.model(m));
        Json.send(res, 200, body);
    }

    private void one(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        Json.send(res, 200, Wire.model(engine.model(id).orElseThrow(() -> ApiException.modelNotFound(id))));
    }

    private void unload(ServerRequest req, ServerResponse res) {
        Access.requireAdmin(req, "Unloading a model"); // it ends every client's running requests on that model
        String id = req.path().pathParameters().get("id");
        ObjectNode body = Json.object();
        body.put("id", id);
        body.put("object", "model");
        body.put("unloaded", engine.unload(id));
        Json.send(res, 200, body);
    }
}
