package dev.muse.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muse.runtime.Engine;
import dev.muse.safety.GuardPrompt;
import dev.muse.safety.GuardVerdict;
import dev.muse.safety.Hazard;
import dev.muse.server.openai.ApiException;
import dev.muse.server.openai.ImageUrls;
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
 * {@code POST /v1/moderations} in OpenAI's shape, answered by a Llama Guard 3 model and, for pictures, the image safety
 * classifier: {@code input} (a string, a list of strings, or text parts; a list of text and {@code image_url} parts is one
 * input judged as a whole, as omni-moderation does, with Muse's {@code muse_image_verdicts}), {@code model} (a guard model's id; none, or an OpenAI name such as
 * {@code omni-moderation-latest}, means the first on offer). Each result has OpenAI's {@code flagged}, {@code categories}
 * and {@code category_scores} (the model's probability of "unsafe" on the categories its hazards stand for), and Muse's
 * {@code muse_hazards} (S1-S14) and {@code muse_verdict} (what the model wrote). A verdict the model did not write
 * readably is flagged: moderation fails closed.
 */
final class ModerationsService implements HttpService {
    static final int MAX_INPUTS = 32, MAX_INPUT_CHARS = 32_768, MAX_IMAGES = 8;

    private final Engine engine;
    private final Access access;
    private final ModerationAudit audit;
    private final ImageUrls imageUrls;

    ModerationsService(Engine engine, Access access, ModerationAudit audit, ImageUrls imageUrls) {
        this.engine = engine;
        this.access = access;
        this.audit = audit;
        this.imageUrls = imageUrls;
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
        ArrayNode results = Json.MAPPER.createArrayNode();
        String model;
        if (multimodal(body.get("input"))) {
            // text and image parts are one input, as OpenAI's omni-moderation takes them: one result over all of them
            List<String> texts = new ArrayList<>();
            List<byte[]> images = new ArrayList<>();
            parts(body.get("input"), texts, images);
            String text = String.join("\n", texts).strip();
            model = text.isEmpty() ? imageModel() : model(body.path("model").asText(null));
            List<Judged> judged = new ArrayList<>();
            try (AutoCloseable permit = access.generationPermit(Access.owner(req))) {
                if (!text.isEmpty()) judged.add(new Judged(engine.moderate(model, List.of(new GuardPrompt.Turn(true, text))), "text"));
                if (!images.isEmpty()) imageModel();
                for (byte[] image : images) judged.add(new Judged(judgeImage(image), "image"));
            }
            results.add(result(judged));
        } else {
            List<String> inputs = inputs(body.get("input"));
            model = model(body.path("model").asText(null));
            try (AutoCloseable permit = access.generationPermit(Access.owner(req))) {
                for (String input : inputs) results.add(result(List.of(new Judged(engine.moderate(model, List.of(new GuardPrompt.Turn(true, input))), "text"))));
            }
        }
        ObjectNode out = Json.object();
        out.put("id", "modr-" + java.util.UUID.randomUUID().toString().replace("-", ""));
        out.put("model", model);
        out.set("results", results);
        Json.send(res, 200, out);
    }

    /** A verdict on one part of an input, and the part's kind (text or image). */
    record Judged(GuardVerdict verdict, String type) {}

    private GuardVerdict judgeImage(byte[] image) {
        try {
            return engine.moderateImage(image).verdict();
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("input", "invalid_image", "an image input is not a picture Muse reads: " + e.getMessage());
        }
    }

    private String imageModel() {
        return engine.imageGuardModel().orElseThrow(() -> ApiException.invalid("input", "model_not_found",
                "No image safety classifier is installed: muse pull nsfw-mobilenet-v2-mid"));
    }

    /** Whether {@code input} is a list of parts with at least one image in it. */
    private static boolean multimodal(JsonNode input) {
        if (input == null || !input.isArray()) return false;
        for (JsonNode item : input) if ("image_url".equals(item.path("type").asText())) return true;
        return false;
    }

    /** A multimodal input's text parts and images (data: URLs, or http(s) where the server fetches them). */
    private void parts(JsonNode input, List<String> texts, List<byte[]> images) {
        for (JsonNode item : input) {
            String type = item.path("type").asText();
            if (type.equals("text") && item.path("text").isTextual()) texts.add(item.path("text").asText());
            else if (type.equals("image_url")) {
                JsonNode url = item.path("image_url");
                images.add(imageUrls.read(url.isTextual() ? url.asText() : url.path("url").asText(null), "input"));
            } else throw ApiException.invalid("input", "a multimodal 'input' is a list of {\"type\": \"text\"} and {\"type\": \"image_url\"} parts");
        }
        if (images.size() > MAX_IMAGES) throw ApiException.invalid("input", "at most " + MAX_IMAGES + " images per request");
        for (String t : texts) if (t.length() > MAX_INPUT_CHARS) throw ApiException.invalid("input", "an input is longer than " + MAX_INPUT_CHARS + " characters");
    }

    private String model(String asked) {
        List<String> guards = engine.guardModels();
        if (asked == null || asked.startsWith("omni-moderation") || asked.startsWith("text-moderation")) {
            if (guards.isEmpty())
                throw ApiException.invalid("model", "model_not_found", "No guard model is installed: muse pull llama-guard3-1b (or put a Llama Guard 3 GGUF, 1B or 8B, in the model cache)");
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
                else throw ApiException.invalid("input", "'input' items must be strings, or {\"type\": \"text\", \"text\": ...} and {\"type\": \"image_url\", ...} parts");
            }
        } else throw ApiException.invalid("input", "'input' must be a string or an array");
        if (out.isEmpty()) throw ApiException.invalid("input", "'input' is empty");
        if (out.size() > MAX_INPUTS) throw ApiException.invalid("input", "at most " + MAX_INPUTS + " inputs per request");
        for (String s : out) if (s.length() > MAX_INPUT_CHARS) throw ApiException.invalid("input", "an input is longer than " + MAX_INPUT_CHARS + " characters");
        return out;
    }

    /**
     * One result over the verdicts on an input's parts: flagged when any part is, each OpenAI category on when a part's
     * hazards stand for it, its score the highest such part's probability of "unsafe" (an image's explicit-content
     * probability is its {@code sexual} score even below the threshold), and the kinds of part that set it.
     */
    static ObjectNode result(List<Judged> judged) {
        ObjectNode r = Json.object();
        r.put("flagged", judged.stream().anyMatch(j -> !j.verdict().safe()));
        ObjectNode categories = r.putObject("categories"), scores = r.putObject("category_scores"), types = r.putObject("category_applied_input_types");
        for (String c : ModerationCategories.ALL) {
            boolean on = false;
            double score = 0;
            Set<String> applied = new java.util.LinkedHashSet<>();
            for (Judged j : judged) {
                GuardVerdict v = j.verdict();
                double unsafe = Double.isNaN(v.unsafeProbability()) ? (v.safe() ? 0 : 1) : v.unsafeProbability();
                if (ModerationCategories.of(v.hazards()).contains(c)) {
                    on = true;
                    applied.add(j.type());
                    score = Math.max(score, unsafe);
                } else if (j.type().equals("image") && c.equals("sexual")) score = Math.max(score, unsafe);
            }
            categories.put(c, on);
            scores.put(c, score);
            ArrayNode list = types.putArray(c);
            applied.forEach(list::add);
        }
        Set<Hazard> all = java.util.EnumSet.noneOf(Hazard.class);
        for (Judged j : judged) all.addAll(j.verdict().hazards());
        ArrayNode hazards = r.putArray("muse_hazards");
        for (Hazard h : Hazard.values()) if (all.contains(h)) hazards.add(h.name());
        List<Judged> texts = judged.stream().filter(j -> j.type().equals("text")).toList();
        if (!texts.isEmpty()) {
            GuardVerdict v = texts.getFirst().verdict();
            r.put("muse_verdict", v.text().strip());
            r.put("muse_unsafe_probability", Double.isNaN(v.unsafeProbability()) ? null : v.unsafeProbability());
            if (!v.readable()) r.put("muse_unreadable_verdict", true);
        }
        List<Judged> images = judged.stream().filter(j -> j.type().equals("image")).toList();
        if (!images.isEmpty()) {
            ArrayNode verdicts = r.putArray("muse_image_verdicts");
            for (Judged j : images) verdicts.addObject().put("flagged", !j.verdict().safe()).put("explicit", j.verdict().unsafeProbability())
                    .put("verdict", j.verdict().text().strip());
        }
        return r;
    }
}
