package dev.muse.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.runtime.LoadedModel;
import dev.muse.runtime.Prompt;
import dev.muse.server.openai.GenerationParams;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code POST /v1/completions}: plain text continuation of a prompt (a string, or token ids). */
final class CompletionsService implements HttpService {
    private final Models models;
    private final Access access;
    private final Generations generations;

    CompletionsService(Models models, Access access, Generations generations) {
        this.models = models;
        this.access = access;
        this.generations = generations;
    }

    @Override public void routing(HttpRules rules) {
        rules.post("/", this::complete);
    }

    private void complete(ServerRequest req, ServerResponse res) throws Exception {
        JsonNode body = Json.readBody(req, access.limits().maxBodyBytes());
        GenerationParams params = GenerationParams.read(body, false, access.limits().maxTokens());
        for (String unsupported : new String[] {"suffix", "best_of"})
            if (body.hasNonNull(unsupported)) throw ApiException.invalid(unsupported, "'" + unsupported + "' is not supported");
        if (body.path("echo").asBoolean(false)) throw ApiException.invalid("echo", "'echo' is not supported");
        JsonNode prompt = body.get("prompt");
        if (prompt == null || prompt.isNull()) throw ApiException.invalid("prompt", "missing_required_parameter", "Missing required parameter: 'prompt'");
        try (AutoCloseable permit = access.generationPermit(Access.owner(req))) {
            LoadedModel model = models.acquire(params.model());
            generations.run(res, Generations.Kind.TEXT, model, Prompt.of(tokens(prompt, model)), params);
        }
    }

    /** One prompt: a string, an array holding one string, or an array of token ids. */
    private static int[] tokens(JsonNode prompt, LoadedModel model) {
        if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) prompt = prompt.get(0);
        if (prompt.isTextual()) {
            int[] ids = model.text().tokenizer().encode(prompt.textValue(), true, false);
            if (ids.length == 0) throw ApiException.invalid("prompt", "the prompt is empty and the model has no BOS token to start from");
            return ids;
        }
        if (prompt.isArray() && !prompt.isEmpty() && prompt.get(0).isIntegralNumber()) {
            int vocab = model.text().model().vocabularySize();
            int[] ids = new int[prompt.size()];
            for (int i = 0; i < ids.length; i++) {
                JsonNode t = prompt.get(i);
                if (!t.isIntegralNumber() || t.asLong() < 0 || t.asLong() >= vocab)
                    throw ApiException.invalid("prompt", "prompt token " + i + " is not a token id of this model (0.." + (vocab - 1) + ")");
                ids[i] = t.asInt();
            }
            return ids;
        }
        throw ApiException.invalid("prompt", "'prompt' must be a string or an array of token ids (one prompt per request)");
    }
}
