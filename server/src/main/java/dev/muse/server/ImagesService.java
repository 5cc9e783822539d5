package dev.muse.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muse.runtime.CapabilityException;
import dev.muse.runtime.ContentPolicyException;
import dev.muse.runtime.DrawRequest;
import dev.muse.runtime.Drawing;
import dev.muse.runtime.Engine;
import dev.muse.runtime.Event;
import dev.muse.runtime.ModelInfo;
import dev.muse.server.openai.ApiException;
import dev.muse.server.openai.Json;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import dev.muse.server.openai.Multipart;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/images/generations} in OpenAI's shape: {@code prompt}, {@code model} (OpenAI's names, or none, mean the
 * first image model on offer), {@code n}, {@code size} ("WxH"), {@code response_format} b64_json or url (a file kept for
 * its owner for an hour, {@code GET /v1/images/files/NAME}), {@code output_format} png or jpeg with {@code output_compression}; with Muse's extensions {@code negative_prompt}, {@code steps}, {@code guidance_scale}, {@code seed} and {@code sampler}. Each
 * picture comes back as a PNG that keeps its parameters, with the seed that draws it again.
 *
 * <p>{@code POST /v1/images/edits} takes the same fields as a multipart form, with the {@code image} to redraw (or
 * {@code image[]}, as OpenAI's client sends a list of one), an optional {@code mask} whose transparent pixels are redrawn
 * (an image with transparent pixels is its own mask), and Muse's {@code strength}; the size defaults to the image's own.
 */
final class ImagesService implements HttpService {
    /** Prompts longer than this are not prompts (CLIP reads 75 tokens): refused before anything is parsed further. */
    private static final int MAX_PROMPT_CHARS = 4000;
    /** Room for an edit form's text fields and part headers beside its image and mask. */
    private static final long FORM_OVERHEAD = 1L << 20;
    /** The fields that are numbers in a JSON body, and text in an edit's form. */
    private static final Set<String> NUMBERS = Set.of("n", "steps", "guidance_scale", "seed", "strength", "partial_images", "output_compression");

    private final Engine engine;
    private final Access access;
    private final ClientWatch clients;
    private final Screening screening;

    ImagesService(Engine engine, Access access, ClientWatch clients, Screening screening) {
        this.engine = engine;
        this.access = access;
        this.clients = clients;
        this.screening = screening;
    }

    private final ImageFiles files = new ImageFiles();

    @Override public void routing(HttpRules rules) {
        rules.post("/generations", (req, res) -> draw(req, res, Json.readBody(req, access.limits().maxBodyBytes()), null))
                .post("/edits", this::edit)
                .get("/files/{name}", this::file);
    }

    /** A picture handed out as a URL, to its owner, for an hour. */
    private void file(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("name");
        var found = files.get(Access.owner(req), name).orElseThrow(() -> ApiException.notFound("No image file " + name + " (image URLs last an hour)"));
        res.header(io.helidon.http.HeaderNames.CONTENT_TYPE, found.getKey());
        res.header(io.helidon.http.HeaderNames.CACHE_CONTROL, "private, max-age=3600");
        res.send(found.getValue());
    }

    private void edit(ServerRequest req, ServerResponse res) throws Exception {
        byte[] bytes = Json.readBytes(req, 2 * DrawRequest.MAX_IMAGE_BYTES + FORM_OVERHEAD);
        Map<String, Multipart.Part> form = Multipart.parse(req.headers().contentType().map(Object::toString).orElse(null), bytes);
        Multipart.Part image = form.containsKey("image") ? form.get("image") : form.get("image[]");
        if (image == null || image.data().length == 0) throw ApiException.invalid("image", "missing_required_parameter", "Missing required parameter: 'image'");
        Multipart.Part mask = form.get("mask");
        ObjectNode fields = Json.object();
        for (Multipart.Part part : form.values()) {
            if (part.fileName() != null) continue;
            String text = part.text();
            // a form's numbers are text: read them as JSON numbers when they are, so one set of checks serves both endpoints
            if (NUMBERS.contains(part.name()) && text.strip().matches("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?")) fields.set(part.name(), Json.MAPPER.readTree(text.strip()));
            else if (part.name().equals("stream")) fields.put("stream", text.strip().equals("true"));
            else fields.put(part.name(), text);
        }
        Double strength = fields.hasNonNull("strength") ? number(fields, "strength", 0, 1) : null;
        if (strength != null && strength == 0) throw ApiException.invalid("strength", "'strength' must be above 0 and at most 1");
        draw(req, res, fields, new DrawRequest.Edit(image.data(), mask == null || mask.data().length == 0 ? null : mask.data(), strength));
    }

    private void draw(ServerRequest req, ServerResponse res, JsonNode body, DrawRequest.Edit edit) throws Exception {
        String prompt = text(body, "prompt");
        if (prompt == null || prompt.isBlank()) throw ApiException.invalid("prompt", "missing_required_parameter", "Missing required parameter: 'prompt'");
        if (prompt.length() > MAX_PROMPT_CHARS) throw ApiException.invalid("prompt", "'prompt' is longer than " + MAX_PROMPT_CHARS + " characters");
        String format = orDefault(text(body, "response_format"), "b64_json");
        if (!format.equals("b64_json") && !format.equals("url"))
            throw ApiException.invalid("response_format", "response_format must be b64_json or url, not '" + format + "'");
        DrawRequest.Output output;
        try {
            output = new DrawRequest.Output(orDefault(text(body, "output_format"), "png"), integer(body, "output_compression", 100, 0, 100),
                    body.path("muse_label").asBoolean(false) || "true".equals(body.path("muse_label").asText()));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage().contains("compression") ? "output_compression" : "output_format", e.getMessage());
        }
        JsonNode streamNode = body.get("stream");
        if (streamNode != null && !streamNode.isNull() && !streamNode.isBoolean()) throw ApiException.invalid("stream", "'stream' must be true or false");
        boolean stream = streamNode != null && streamNode.asBoolean(false);
        int partials = stream ? integer(body, "partial_images", 0, 0, DrawRequest.MAX_PARTIAL_IMAGES) : 0;
        int n = integer(body, "n", 1, 1, DrawRequest.MAX_PICTURES);
        String sizeText = text(body, "size");
        int[] size = sizeText == null || sizeText.isBlank() || sizeText.strip().equals("auto") ? null : size(sizeText);
        Integer steps = body.hasNonNull("steps") ? integer(body, "steps", 0, 1, 200) : null;
        Double guidance = body.hasNonNull("guidance_scale") ? number(body, "guidance_scale", 0, 30) : null;
        Long seed = body.hasNonNull("seed") ? seed(body) : null;
        String model = model(text(body, "model"));
        String negative = text(body, "negative_prompt");
        String sampler = text(body, "sampler");

        try (AutoCloseable permit = access.generationPermit(Access.owner(req))) {
            Drawing drawing;
            try {
                drawing = engine.draw(new DrawRequest(model, prompt, negative, size == null ? null : size[0], size == null ? null : size[1], steps, guidance,
                        seed, n, sampler, edit, partials, output), screening.forDrawing(Access.owner(req), Access.safetyPolicy(req)));
            } catch (CapabilityException e) {
                throw ApiException.invalid("model", "model_not_image", e.getMessage());
            } catch (IllegalArgumentException e) { // a size, step count, guidance, sampler, image or mask the model cannot take
                String m = e.getMessage();
                throw ApiException.invalid(m.contains("multiples") ? "size" : m.contains("sampler") ? "sampler" : m.contains("strength") ? "strength"
                        : m.contains("steps") ? "steps" : m.startsWith("the mask") ? "mask" : m.startsWith("the image") ? "image" : null, m);
            }
            // a client that leaves stops the drawing at its next step (a stream notices when its next event cannot be sent)
            try (drawing; ClientWatch.Watch watch = stream ? null : clients.watch(req, drawing::cancel)) {
                if (stream) stream(res, drawing, edit != null ? "image_edit" : "image_generation");
                else whole(res, drawing, prompt, format.equals("url") ? urlBase(req) : null, Access.owner(req));
            }
        }
    }

    /** Where this server's image files are, as the client addressed it: http://HOST/v1/images/files/. */
    private static String urlBase(ServerRequest req) {
        String host = req.headers().first(io.helidon.http.HeaderNames.HOST).orElse(req.localPeer().host() + ":" + req.localPeer().port());
        return (req.isSecure() ? "https://" : "http://") + host + "/v1/images/files/";
    }

    /** All the pictures in one answer, once the last is drawn: inline, or (with a URL base) as addresses of kept files. */
    private void whole(ServerResponse res, Drawing drawing, String prompt, String urlBase, String owner) throws InterruptedException {
        ObjectNode answer = Json.object();
        answer.put("created", System.currentTimeMillis() / 1000);
        ArrayNode data = answer.putArray("data");
        String format = "png";
        while (true) {
            switch (drawing.next()) {
                case Event.Image image -> {
                    format = image.format();
                    ObjectNode item = data.addObject();
                    if (urlBase != null) item.put("url", urlBase + files.put(owner, image.format(), image.file()));
                    else item.put("b64_json", Base64.getEncoder().encodeToString(image.file()));
                    item.put("revised_prompt", prompt);
                    item.put("seed", image.seed());
                    if (image.blurred()) item.put("muse_blurred", true);
                }
                case Event.Drawn done -> {
                    answer.put("output_format", format);
                    answer.put("size", done.width() + "x" + done.height());
                    answer.put("steps", done.steps());
                    answer.put("guidance_scale", done.guidance());
                    Json.send(res, 200, answer);
                    return;
                }
                case Event.Error e -> throw refusal(e.error());
                case Event.Progress p -> { }
                case Event.PartialImage x -> { }
                case Event.Token x -> { } // other kinds of work's events: a drawing has none
                case Event.Reasoning r -> { }
                case Event.ToolCall x -> { }
                case Event.Contemplating x -> { }
                case Event.AgentText x -> { }
                case Event.AgentDone x -> { }
                case Event.ToolStep x -> { }
                case Event.Done x -> { }
                case Event.Usage x -> { }
                case Event.Segment x -> { }
                case Event.Transcribed x -> { }
                case Event.Audio x -> { } // speech's events
                case Event.Spoken x -> { }
            }
        }
    }

    /**
     * OpenAI's image stream: {@code <kind>.partial_image} events with the previews, one {@code <kind>.completed} per picture
     * (Muse adds each event's picture {@code index}, and the {@code seed} and {@code step} where they apply).
     */
    private static void stream(ServerResponse res, Drawing drawing, String kind) throws InterruptedException {
        EventStream stream = new EventStream(res);
        while (true) {
            switch (drawing.next()) {
                case Event.PartialImage p -> {
                    ObjectNode event = imageEvent(kind + ".partial_image", p.format(), p.file(), p.width(), p.height());
                    event.put("partial_image_index", p.partial());
                    event.put("index", p.index());
                    event.put("step", p.step());
                    if (!stream.send(event)) drawing.cancel(); // the client has gone
                }
                case Event.Image image -> {
                    ObjectNode event = imageEvent(kind + ".completed", image.format(), image.file(), image.width(), image.height());
                    event.put("index", image.index());
                    event.put("seed", image.seed());
                    if (image.blurred()) event.put("muse_blurred", true);
                    if (!stream.send(event)) drawing.cancel();
                }
                case Event.Drawn done -> {
                    stream.done();
                    return;
                }
                case Event.Error e -> {
                    RuntimeException error = refusal(e.error());
                    if (!stream.started()) throw error;
                    stream.send(Json.error(error instanceof ApiException api ? api : ApiException.unavailable(error.getMessage())));
                    stream.done();
                    return;
                }
                case Event.Progress p -> { }
                case Event.Token x -> { } // other kinds of work's events: a drawing has none
                case Event.Reasoning r -> { }
                case Event.ToolCall x -> { }
                case Event.Contemplating x -> { }
                case Event.AgentText x -> { }
                case Event.AgentDone x -> { }
                case Event.ToolStep x -> { }
                case Event.Done x -> { }
                case Event.Usage x -> { }
                case Event.Segment x -> { }
                case Event.Transcribed x -> { }
                case Event.Audio x -> { } // speech's events
                case Event.Spoken x -> { }
            }
        }
    }

    /** A picture the screening withheld, as OpenAI's content_policy_violation; any other error as it is. */
    private static RuntimeException refusal(RuntimeException error) {
        return error instanceof ContentPolicyException withheld ? Screening.refused("prompt", withheld.getMessage()) : error;
    }

    private static ObjectNode imageEvent(String type, String format, byte[] file, int width, int height) {
        ObjectNode event = Json.object();
        event.put("type", type);
        event.put("b64_json", Base64.getEncoder().encodeToString(file));
        event.put("created_at", System.currentTimeMillis() / 1000);
        event.put("size", width + "x" + height);
        event.put("quality", "auto");
        event.put("background", "opaque");
        event.put("output_format", format);
        return event;
    }

    /** The model asked for; none, or OpenAI's image model names, mean the first image model on offer. */
    private String model(String asked) {
        boolean openAiName = asked != null && (asked.startsWith("dall-e") || asked.startsWith("gpt-image"));
        if (asked != null && !asked.isBlank() && (!openAiName || engine.model(asked).isPresent())) return asked;
        return engine.models().stream().filter(m -> m.outputs().contains(ModelInfo.Modality.IMAGE)).map(ModelInfo::id).findFirst()
                .orElseThrow(() -> ApiException.modelNotFound((asked == null ? "" : asked)
                        + "' (no image model is installed: put a diffusers Stable Diffusion folder in the model cache"));
    }

    private static int[] size(String size) {
        try {
            return DrawRequest.size(size);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("size", "'size' must be WIDTHxHEIGHT in pixels, such as 512x512");
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) return null;
        if (!node.isTextual()) throw ApiException.invalid(field, "'" + field + "' must be a string");
        return node.textValue();
    }

    private static int integer(JsonNode body, String field, int fallback, int min, int max) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) return fallback;
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() < min || node.intValue() > max)
            throw ApiException.invalid(field, "'" + field + "' must be an integer from " + min + " to " + max);
        return node.intValue();
    }

    private static double number(JsonNode body, String field, double min, double max) {
        JsonNode node = body.get(field);
        if (!node.isNumber() || !(node.doubleValue() >= min && node.doubleValue() <= max))
            throw ApiException.invalid(field, "'" + field + "' must be a number from " + min + " to " + max);
        return node.doubleValue();
    }

    private static long seed(JsonNode body) {
        JsonNode node = body.get("seed");
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0)
            throw ApiException.invalid("seed", "'seed' must be a non-negative integer");
        return node.longValue();
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.strip();
    }
}
