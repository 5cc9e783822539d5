package dev.muse.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muse.provenance.Verification;
import dev.muse.provenance.watermark.TextWatermark;
import dev.muse.runtime.Engine;
import dev.muse.server.openai.ApiException;
import dev.muse.server.openai.Json;
import dev.muse.server.openai.Multipart;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /v1/provenance/verify}: a file in (a multipart {@code file}, or the file itself as the body), what its
 * content credentials say out: {@code status} none / valid / tampered / invalid, whether the signer is trusted (this
 * installation, or a root its operator trusts), the signer, the generator and the actions (made with AI, by which
 * model); and {@code watermarks}: what each detector found (Muse's image mark, its payload, its z-score, whether it
 * is the one the credentials record). A JSON body {@code {"model", "text"}} asks instead whether a text carries this
 * installation's text watermark (read with that model's tokenizer). {@code GET /v1/provenance/root}: this installation's root certificate (PEM), for verifiers elsewhere.
 */
final class ProvenanceService implements HttpService {
    /** The largest file checked: the largest a client may upload anywhere else (a sound file). */
    static final long MAX_FILE_BYTES = AudioService.MAX_FILE_BYTES;
    private static final long FORM_OVERHEAD = 1L << 20;

    private final Engine engine;

    ProvenanceService(Engine engine) {
        this.engine = engine;
    }

    @Override public void routing(HttpRules rules) {
        rules.post("/verify", this::verify)
                .get("/root", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "application/x-pem-file");
                    res.send(engine.credentialsRoot());
                });
    }

    private void verify(ServerRequest req, ServerResponse res) {
        byte[] body = Json.readBytes(req, MAX_FILE_BYTES + FORM_OVERHEAD);
        String type = req.headers().contentType().map(Object::toString).orElse("");
        if (type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            text(res, body);
            return;
        }
        byte[] file = body;
        if (type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            Map<String, Multipart.Part> form = Multipart.parse(type, body);
            Multipart.Part part = form.get("file");
            if (part == null) throw ApiException.invalid("file", "missing_required_parameter", "Missing required parameter: 'file'");
            file = part.data();
        }
        if (file.length == 0) throw ApiException.invalid("file", "The file is empty");
        if (file.length > MAX_FILE_BYTES) throw ApiException.invalid("file", "The file is larger than " + (MAX_FILE_BYTES >> 20) + " MB");
        Json.send(res, 200, json(engine.verify(file)));
    }

    /** {"model", "text"}: whether the text carries this installation's text watermark, read with the model's tokenizer. */
    private void text(ServerResponse res, byte[] body) {
        com.fasterxml.jackson.databind.JsonNode request;
        try {
            request = Json.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw ApiException.invalid(null, "We could not parse the JSON body of your request: " + e.getMessage());
        }
        if (request == null || !request.isObject()) throw ApiException.invalid(null, "The body must be a JSON object with 'model' and 'text'");
        String model = request.path("model").asText(null), text = request.path("text").asText(null);
        if (model == null) throw ApiException.invalid("model", "missing_required_parameter", "Missing required parameter: 'model' (whose tokenizer reads the text)");
        if (text == null || text.isEmpty()) throw ApiException.invalid("text", "missing_required_parameter", "Missing required parameter: 'text'");
        TextWatermark.Detection d;
        try {
            d = engine.detectWatermark(model, text);
        } catch (dev.muse.runtime.CapabilityException e) {
            throw ApiException.invalid("model", e.getMessage());
        }
        ObjectNode out = Json.object();
        out.put("object", "provenance.verification");
        out.put("status", d.found() ? "watermarked" : "none");
        out.put("summary", d.found() ? String.format(Locale.ROOT, "this installation's text watermark (z = %.1f over %d token pairs)", d.z(), d.scored())
                : String.format(Locale.ROOT, "no text watermark of this installation (z = %.1f over %d token pairs; %.0f needed)", d.z(), d.scored(), TextWatermark.THRESHOLD));
        out.putObject("text_watermark").put("found", d.found()).put("z", Math.round(d.z() * 100) / 100.0).put("scored", d.scored()).put("green", d.green())
                .put("threshold", TextWatermark.THRESHOLD);
        Json.send(res, 200, out);
    }

    static ObjectNode json(Verification v) {
        ObjectNode out = Json.object();
        out.put("object", "provenance.verification");
        out.put("status", v.status().name().toLowerCase(Locale.ROOT));
        out.put("summary", v.summary());
        ObjectNode c2pa = out.putObject("c2pa");
        c2pa.put("present", v.status() != Verification.Status.NONE);
        c2pa.put("trusted", v.trusted());
        c2pa.put("ai_generated", v.aiGenerated());
        c2pa.put("signer", v.signer());
        c2pa.put("issuer", v.issuer());
        c2pa.put("generator", v.generator());
        c2pa.put("format", v.format());
        ArrayNode actions = c2pa.putArray("actions");
        for (Verification.Action a : v.actions())
            actions.addObject().put("action", a.action()).put("digital_source_type", a.digitalSourceType())
                    .put("software_agent", a.softwareAgent()).put("model", a.model());
        ArrayNode problems = c2pa.putArray("problems");
        v.problems().forEach(problems::add);
        ArrayNode marks = out.putArray("watermarks");
        for (Verification.Mark m : v.watermarks()) {
            ObjectNode mark = marks.addObject().put("kind", m.kind()).put("found", m.found()).put("payload", m.payload())
                    .put("confidence", Math.round(m.confidence() * 100) / 100.0).put("recorded", m.recorded());
            if (m.matchesCredentials() == null) mark.putNull("matches_credentials");
            else mark.put("matches_credentials", m.matchesCredentials());
        }
        return out;
    }
}
