package dev.muse.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muse.runtime.Engine;
import dev.muse.safety.GuardPrompt;
import dev.muse.safety.GuardVerdict;
import dev.muse.safety.Hazard;
import dev.muse.server.openai.ApiException;
import dev.muse.server.openai.Json;
import dev.muse.server.openai.ModerationCategories;
import dev.muse.server.store.ModerationAudit;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /v1/moderations} in OpenAI's shape, answered by a Llama Guard 3 model: {@code input} (a string, a list of
 * strings, or text parts), {@code model} (a guard model's id; none, or an OpenAI name such as
 * {@code omni-moderation-latest}, means the first on offer). Each result has OpenAI's {@code flagged}, {@code categories}
 * and {@code category_scores} (the model's probability of "unsafe" on the categories its hazards stand for), and Muse's
 * {@code muse_hazards} (S1-S14) and {@code muse_verdict} (what the model wrote). A verdict the model did not write
 * readably is flagged: moderation fails closed.
 */
final class ModerationsService implements HttpService {
    static final int MAX_INPUTS = 32, MAX_INPUT_CHARS = 32_768;

    private final Engine engine;
    private final Access access;
    private final ModerationAudit audit;

    ModerationsService(Engine engine, Access access, ModerationAudit audit) {
        this.engine = engine;
        this.access = access;
        this.audit = audit;
    }

    @Override public void routing(HttpRules rules) {
        rules.post("/", this::moderate)
                .get("/audit", this::audit);
    }

    /** {@code GET /v1/moderations/audit?limit=N}: what the screening blocked or flagged for the caller's key, newest first (no content). */
    private void audit(ServerRequest req, ServerResponse res) {
        int limit;
        try {
            limit = Integer.parseInt(req.query().first("limit").orElse("100"));
        } catch (NumberFormatException e) {
            throw ApiException.invalid("limit", "'limit' must be a number");
        }
        if (limit < 1 || limit > 1000) throw ApiException.invalid("limit", "'limit' must be 1 to 1000");
        ArrayNode data = Json.MAPPER.createArrayNode();
        for (ModerationAudit.Entry e : audit.list(Access.owner(req), limit))
            data.addObject().put("id", e.id()).put("object", "moderation.block").put("created_at", e.createdAt().getEpochSecond()).put("stage", e.stage()).put("action", e.action())
                    .put("guard_model", e.guardModel()).put("hazards", e.hazards()).put("conversation_id", e.conversationId());
        ObjectNode out = Json.object();
        out.put("object", "list");
        out.set("data", data);
        Json.send(res, 200, out);
    }

    private void moderate(ServerRequest req, ServerResponse res) throws Exception {
        JsonNode body = Json.readBody(req, access.limits().maxBodyBytes());
        List<String> inputs = inputs(body.get("input"));
        String model = model(body.path("model").asText(null));
        ArrayNode results = Json.MAPPER.createArrayNode();
        try (AutoCloseable permit = access.generationPermit(Access.owner(req))) {
            for (String input : inputs) results.add(result(engine.moderate(model, List.of(new GuardPrompt.Turn(true, input)))));
        }
        ObjectNode out = Json.object();
        out.put("id", "modr-" + java.util.UUID.randomUUID().toString().replace("-", ""));
        out.put("model", model);
        out.set("results", results);
        Json.send(res, 200, out);
    }

    private String model(String asked) {
        List<String> guards = engine.guardModels();
        if (asked == null || asked.startsWith("omni-moderation") || asked.startsWith("text-moderation")) {
            if (guards.isEmpty())
                throw ApiException.invalid("model", "model_not_found", "No guard model is installed: put a Llama Guard 3 GGUF (1B or 8B) in the model cache");
            return guards.getFirst();
        }
        return asked;
    }

    static List<String> inputs(JsonNode input) {
        if (input == null || input.isNull()) throw ApiException.invalid("input", "missing_required_parameter", "Missing required parameter: 'input'");
        List<String> out = new ArrayList<>();
        if (input.isTextual()) out.add(input.asText());
        else if (input.isArray()) {
            for (JsonNode item : input) {
                if (item.isTextual()) out.add(item.asText());
                else if (item.isObject() && "text".equals(item.path("type").asText()) && item.path("text").isTextual()) out.add(item.path("text").asText());
                else throw ApiException.invalid("input", "'input' items must be strings or {\"type\": \"text\", \"text\": ...} parts (image inputs are not moderated yet)");
            }
        } else throw ApiException.invalid("input", "'input' must be a string or an array");
        if (out.isEmpty()) throw ApiException.invalid("input", "'input' is empty");
        if (out.size() > MAX_INPUTS) throw ApiException.invalid("input", "at most " + MAX_INPUTS + " inputs per request");
        for (String s : out) if (s.length() > MAX_INPUT_CHARS) throw ApiException.invalid("input", "an input is longer than " + MAX_INPUT_CHARS + " characters");
        return out;
    }

    static ObjectNode result(GuardVerdict v) {
        Set<String> flagged = ModerationCategories.of(v.hazards());
        boolean any = !v.safe();
        double score = Double.isNaN(v.unsafeProbability()) ? (any ? 1 : 0) : v.unsafeProbability();
        ObjectNode r = Json.object();
        r.put("flagged", any);
        ObjectNode categories = r.putObject("categories"), scores = r.putObject("category_scores"), types = r.putObject("category_applied_input_types");
        for (String c : ModerationCategories.ALL) {
            boolean on = flagged.contains(c);
            categories.put(c, on);
            scores.put(c, on ? score : 0.0);
            ArrayNode applied = types.putArray(c);
            if (on) applied.add("text");
        }
        ArrayNode hazards = r.putArray("muse_hazards");
        for (Hazard h : Hazard.values()) if (v.hazards().contains(h)) hazards.add(h.name());
        r.put("muse_verdict", v.text().strip());
        r.put("muse_unsafe_probability", Double.isNaN(v.unsafeProbability()) ? null : v.unsafeProbability());
        if (!v.readable()) r.put("muse_unreadable_verdict", true);
        return r;
    }
}
