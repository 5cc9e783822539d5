package dev.muse.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muse.models.Pooling;
import dev.muse.runtime.LoadedModel;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code POST /v1/embeddings}: the pooled, normalised hidden states of a model that declares a pooling
 * type (an embedding model). Input is a string, an array of strings, token ids, or arrays of token ids.
 */
final class EmbeddingsService implements HttpService {
    private static final int MAX_INPUTS = 2048;

    private final Models models;
    private final Access access;

    EmbeddingsService(Models models, Access access) {
        this.models = models;
        this.access = access;
    }

    @Override public void routing(HttpRules rules) {
        rules.post("/", this::embed);
    }

    private void embed(ServerRequest req, ServerResponse res) throws Exception {
        JsonNode body = Json.readBody(req, access.limits().maxBodyBytes());
        JsonNode modelNode = body.get("model");
        if (modelNode == null || !modelNode.isTextual()) throw ApiException.invalid("model", "missing_required_parameter", "Missing required parameter: 'model'");
        String modelId = modelNode.textValue();
        String format = body.path("encoding_format").asText("float");
        if (!format.equals("float") && !format.equals("base64")) throw ApiException.invalid("encoding_format", "'encoding_format' must be float or base64");
        if (body.hasNonNull("dimensions")) throw ApiException.invalid("dimensions", "'dimensions' is not supported: the model's own size is used");
        try (AutoCloseable permit = access.generationPermit(Access.owner(req))) {
            LoadedModel model = models.acquire(modelId);
            if (model.text().model().pooling() == Pooling.NONE)
                throw ApiException.invalid("model", "model_not_embedding", "The model '" + modelId + "' is not an embedding model (its GGUF declares no pooling_type)");
            List<int[]> inputs = inputs(body.get("input"), model);
            int context = model.text().model().contextLength(), total = 0;
            ObjectNode out = Json.object();
            out.put("object", "list");
            ArrayNode data = out.putArray("data");
            for (int i = 0; i < inputs.size(); i++) {
                int[] tokens = inputs.get(i);
                if (tokens.length > context)
                    throw ApiException.invalid("input", "context_length_exceeded", "input " + i + " has " + tokens.length + " tokens; the model's context is " + context);
                total += tokens.length;
                float[] vector = model.text().model().embed(tokens);
                ObjectNode item = data.addObject();
                item.put("object", "embedding");
                item.put("index", i);
                if (format.equals("float")) {
                    ArrayNode values = item.putArray("embedding");
                    for (float v : vector) values.add(v);
                } else {
                    ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    for (float v : vector) bytes.putFloat(v);
                    item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
                }
            }
            out.put("model", modelId);
            ObjectNode usage = out.putObject("usage");
            usage.put("prompt_tokens", total);
            usage.put("total_tokens", total);
            Json.send(res, 200, out);
        }
    }

    private static List<int[]> inputs(JsonNode input, LoadedModel model) {
        if (input == null || input.isNull()) throw ApiException.invalid("input", "missing_required_parameter", "Missing required parameter: 'input'");
        List<int[]> out = new ArrayList<>();
        if (input.isTextual()) out.add(text(input.textValue(), model));
        else if (input.isArray() && !input.isEmpty() && input.size() <= MAX_INPUTS) {
            if (input.get(0).isIntegralNumber()) out.add(ids(input, model));
            else for (JsonNode item : input) {
                if (item.isTextual()) out.add(text(item.textValue(), model));
                else if (item.isArray() && !item.isEmpty()) out.add(ids(item, model));
                else throw ApiException.invalid("input", "each input must be a string or a non-empty array of token ids");
            }
        } else throw ApiException.invalid("input", "'input' must be a string or a non-empty array (at most " + MAX_INPUTS + " items)");
        return out;
    }

    private static int[] text(String s, LoadedModel model) {
        if (s.isEmpty()) throw ApiException.invalid("input", "an input string cannot be empty");
        return model.text().tokenizer().encode(s, true, false);
    }

    private static int[] ids(JsonNode array, LoadedModel model) {
        int vocab = model.text().model().vocabularySize();
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = array.get(i);
            if (!t.isIntegralNumber() || t.asLong() < 0 || t.asLong() >= vocab) throw ApiException.invalid("input", "token " + t + " is not a token id of this model");
            ids[i] = t.asInt();
        }
        return ids;
    }
}
