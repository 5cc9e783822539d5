package dev.muse.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.runtime.CompletionRequest;
import dev.muse.runtime.Engine;
import dev.muse.runtime.Generation;
import dev.muse.server.openai.Answers;
import dev.muse.server.openai.ApiException;
import dev.muse.server.openai.GenerationParams;
import dev.muse.server.openai.Json;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code POST /v1/completions}: plain text continuation of a prompt (a string, or token ids). */
final class CompletionsService implements HttpService {
    private final Engine engine;
    private final Access access;
    private final Generations generations;

    CompletionsService(Engine engine, Access access, Generations generations) {
        this.engine = engine;
        this.access = access;
        this.generations = generations;
    }

    @Override public void routing(HttpRules rules) {
        rules.post("/", this::complete);
    }

    private void complete(ServerRequest req, ServerResponse res) throws Exception {
        JsonNode body = Json.readBody(req, access.limits().maxBodyBytes());
        GenerationParams params = GenerationParams.read(body, false, access.limits().maxTokens());
        if (Access.keyMarksText(req)) params = params.watermarked();
        for (String unsupported : new String[] {"suffix", "best_of"})
            if (body.hasNonNull(unsupported)) throw ApiException.invalid(unsupported, "'" + unsupported + "' is not supported");
        if (body.path("echo").asBoolean(false)) throw ApiException.invalid("echo", "'echo' is not supported");
        CompletionRequest request = request(body.get("prompt"), params);
        try (AutoCloseable permit = access.generationPermit(Access.owner(req))) {
            Generation generation;
            try {
                generation = engine.complete(request);
            } catch (IllegalArgumentException e) { // an empty prompt without BOS, a token id outside the vocabulary
                throw ApiException.invalid("prompt", e.getMessage());
            }
            generations.run(req, res, Answers.Kind.TEXT, generation, params, null, Generations.Observer.NONE, null);
        }
    }

    /** One prompt: a string, an array holding one string, or an array of token ids. */
    private static CompletionRequest request(JsonNode prompt, GenerationParams params) {
        if (prompt == null || prompt.isNull()) throw ApiException.invalid("prompt", "missing_required_parameter", "Missing required parameter: 'prompt'");
        if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) prompt = prompt.get(0);
        if (prompt.isTextual()) return CompletionRequest.ofText(params.model(), prompt.textValue(), params.options());
        if (prompt.isArray() && !prompt.isEmpty() && prompt.get(0).isIntegralNumber())
            return CompletionRequest.ofTokens(params.model(), TokenIds.read(prompt, "prompt"), params.options());
        throw ApiException.invalid("prompt", "'prompt' must be a string or an array of token ids (one prompt per request)");
    }
}
