package dev.muse.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.runtime.LoadedModel;
import dev.muse.server.openai.ChatMessages;
import dev.muse.server.openai.GenerationParams;
import dev.muse.text.ChatMessage;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/** {@code POST /v1/chat/completions}: the conversation is rendered with the model's chat template. */
final class ChatService implements HttpService {
    private final Models models;
    private final Access access;
    private final Generations generations;

    ChatService(Models models, Access access, Generations generations) {
        this.models = models;
        this.access = access;
        this.generations = generations;
    }

    @Override public void routing(HttpRules rules) {
        rules.post("/", this::complete);
    }

    private void complete(ServerRequest req, ServerResponse res) throws Exception {
        JsonNode body = Json.readBody(req, access.limits().maxBodyBytes());
        GenerationParams params = GenerationParams.read(body, true, access.limits().maxTokens());
        List<ChatMessage> messages = ChatMessages.read(body, params.model());
        try (AutoCloseable permit = access.generationPermit(Access.owner(req))) {
            LoadedModel model = models.acquire(params.model());
            int[] prompt;
            try {
                prompt = model.text().chatPrompt(messages);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("messages", e.getMessage());
            }
            generations.run(res, Generations.Kind.CHAT, model, prompt, params);
        }
    }
}
