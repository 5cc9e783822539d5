package dev.muse.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.runtime.CapabilityException;
import dev.muse.runtime.ContextLengthException;
import dev.muse.runtime.EmbeddingRequest;
import dev.muse.runtime.Engine;
import dev.muse.server.openai.ApiException;
import dev.muse.server.openai.Json;
import dev.muse.server.openai.Wire;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/embeddings}: the pooled, normalised hidden states of a model that declares a pooling
 * type (an embedding model), or of the embedder Muse carries ({@code all-minilm-l6-v2}, which OpenAI's model names
 * such as {@code text-embedding-3-small} stand for). Input is a string, an array of strings, token ids, or arrays of
 * token ids.
 */
final class EmbeddingsService implements HttpService {
    private static final int MAX_INPUTS = 2048;

    private final Engine engine;
    private final Access access;

    EmbeddingsService(Engine engine, Access access) {
        this.engine = engine;
        this.access = access;
    }

    @Override public void routing(HttpRules rules) {
        rules.post("/", this::embed);
    }

    private void embed(ServerRequest req, ServerResponse res) throws Exception {
        JsonNode body = Json.readBody(req, access.limits().maxBodyBytes());
        JsonNode modelNode = body.get("model");
        if (modelNode == null || !modelNode.isTextual()) throw ApiException.invalid("model", "missing_required_parameter", "Missing required parameter: 'model'");
        // OpenAI's names (text-embedding-3-small, ...) stand for the embedder Muse carries, which works with nothing pulled
        String model = modelNode.textValue().startsWith("text-embedding-") ? Engine.DEFAULT_EMBEDDER : modelNode.textValue();
        String format = body.path("encoding_format").asText("float");
        if (!format.equals("float") && !format.equals("base64")) throw ApiException.invalid("encoding_format", "'encoding_format' must be float or base64");
        if (body.hasNonNull("dimensions")) throw ApiException.invalid("dimensions", "'dimensions' is not supported: the model's own size is used");
        EmbeddingRequest request = new EmbeddingRequest(model, inputs(body.get("input")));
        try (AutoCloseable permit = access.generationPermit(Access.owner(req))) {
            EmbeddingRequest.Result result;
            try {
                result = engine.embed(request);
            } catch (CapabilityException e) {
                throw ApiException.invalid("model", "model_not_embedding", e.getMessage());
            } catch (ContextLengthException e) {
                throw ApiException.invalid("input", "context_length_exceeded", e.getMessage());
            } catch (IllegalArgumentException e) { // a token id outside the vocabulary
                throw ApiException.invalid("input", e.getMessage());
            }
            Json.send(res, 200, Wire.embeddings(model, result, format.equals("base64")));
        }
    }

    private static List<EmbeddingRequest.Input> inputs(JsonNode input) {
        if (input == null || input.isNull()) throw ApiException.invalid("input", "missing_required_parameter", "Missing required parameter: 'input'");
        List<EmbeddingRequest.Input> out = new ArrayList<>();
        if (input.isTextual()) out.add(text(input.textValue()));
        else if (input.isArray() && !input.isEmpty() && input.size() <= MAX_INPUTS) {
            if (input.get(0).isIntegralNumber()) out.add(EmbeddingRequest.Input.of(TokenIds.read(input, "input")));
            else for (JsonNode item : input) {
                if (item.isTextual()) out.add(text(item.textValue()));
                else if (item.isArray() && !item.isEmpty()) out.add(EmbeddingRequest.Input.of(TokenIds.read(item, "input")));
                else throw ApiException.invalid("input", "each input must be a string or a non-empty array of token ids");
            }
        } else throw ApiException.invalid("input", "'input' must be a string or a non-empty array (at most " + MAX_INPUTS + " items)");
        return out;
    }

    private static EmbeddingRequest.Input text(String s) {
        if (s.isEmpty()) throw ApiException.invalid("input", "an input string cannot be empty");
        return EmbeddingRequest.Input.of(s);
    }
}
