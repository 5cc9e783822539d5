package dev.muse.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muse.hub.ModelAliases;
import dev.muse.hub.ModelFiles;
import dev.muse.server.openai.ApiException;
import dev.muse.server.openai.Json;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Muse's model library: {@code GET /v1/library} lists the models Muse knows how to fetch (the aliases of
 * {@code muse pull}), and {@code POST /v1/library/pull} with {@code {"model": ALIAS}} downloads one into the model
 * cache, streaming its progress as server-sent events. Only those aliases can be pulled (no URL comes from a client),
 * and where keys are on, only with an admin key: a pull fills the server's disk for every client.
 */
final class LibraryService implements HttpService {
    /** How long a watcher waits for news before it says the same again (which also finds a client that left). */
    private static final long HEARTBEAT_MILLIS = 5_000;

    private final Pulls pulls;
    private final long maxBodyBytes;

    LibraryService(Pulls pulls, long maxBodyBytes) {
        this.pulls = pulls;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override public void routing(HttpRules rules) {
        rules.get("/", this::list).post("/pull", this::pull);
    }

    private void list(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.object();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        for (ModelAliases.Alias a : ModelAliases.all()) {
            ObjectNode o = data.addObject();
            o.put("id", a.name());
            o.put("object", "library.model");
            o.put("description", a.description());
            o.put("file", a.cacheName());
            // its id in /v1/models once pulled (a pipeline's or a Kokoro's folder); none for a part other models use (TAESD previews)
            if (!a.isFolder()) o.put("model_id", ModelFiles.idOf(java.nio.file.Path.of(a.source().fileName())));
            else if (a.folder().contains("model_index.json") || a.folder().stream().anyMatch(f -> f.endsWith(".pth"))) o.put("model_id", a.name());
            else o.putNull("model_id");
            o.put("sees_images", a.projector() != null);
            o.put("starter_chat", a == ModelAliases.starterChat());
            o.put("pulled", pulls.pulled(a));
            pulls.underWay(a.name()).ifPresent(s -> o.set("pull", event(s)));
        }
        Json.send(res, 200, body);
    }

    private void pull(ServerRequest req, ServerResponse res) throws InterruptedException {
        Access.requireAdmin(req, "Pulling a model");
        JsonNode body = Json.readBody(req, maxBodyBytes);
        JsonNode model = body.path("model");
        if (!model.isTextual()) throw ApiException.invalid("model", "'model' is required: one of " + ModelAliases.names());
        ModelAliases.Alias alias = ModelAliases.find(model.asText()).orElseThrow(() -> ApiException.invalid("model", "model_not_found",
                "The library has no model '" + model.asText() + "': it has " + ModelAliases.names()));
        Pulls.Running pull = pulls.start(alias);
        EventStream stream = new EventStream(res);
        Pulls.State seen = null;
        while (true) { // follows the pull until it ends; a client that leaves stops following, not the pull
            Pulls.State now = pull.await(seen, HEARTBEAT_MILLIS);
            if (!stream.send(now.error() != null ? Json.error(new ApiException(502, "pull_error", "model", "pull_failed",
                    "Pulling " + alias.name() + " failed: " + now.error())) : event(now))) return;
            if (now.finished()) break;
            seen = now;
        }
        stream.done();
    }

    /** One progress event: {@code status} downloading, then done with the model's id. */
    private static ObjectNode event(Pulls.State s) {
        ObjectNode o = Json.object();
        o.put("object", "library.pull");
        o.put("model", s.alias());
        o.put("status", s.finished() ? "done" : "downloading");
        o.put("file", s.file());
        o.put("completed_bytes", s.completedBytes());
        if (s.totalBytes() >= 0) o.put("total_bytes", s.totalBytes());
        if (s.modelId() != null) o.put("id", s.modelId());
        return o;
    }
}
