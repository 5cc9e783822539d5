package dev.muse.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.runtime.LoadedModel;
import dev.muse.server.openai.ChatMessages;
import dev.muse.server.openai.GenerationParams;
import dev.muse.server.openai.Mode;
import dev.muse.text.ChatMessage;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.muse.server.store.Conversation;
import dev.muse.server.store.Message;
import dev.muse.server.store.Store;
import dev.muse.server.store.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /v1/chat/completions}: the conversation is rendered with the model's chat template. With
 * Muse's {@code conversation_id} field, {@code messages} is only the new turn: the stored conversation is
 * put in front of it (after the conversation's {@code settings.system_prompt}, if any), the turn is stored
 * before the answer starts, and the reply is saved as it streams.
 */
final class ChatService implements HttpService {
    /** How often a streamed reply is saved while it grows: a crash loses at most this much of it. */
    private static final long SAVE_EVERY_NANOS = 500_000_000L;

    private final Models models;
    private final Access access;
    private final Generations generations;
    private final Store store;

    ChatService(Models models, Access access, Generations generations, Store store) {
        this.models = models;
        this.access = access;
        this.generations = generations;
        this.store = store;
    }

    @Override public void routing(HttpRules rules) {
        rules.post("/", this::complete);
    }

    private void complete(ServerRequest req, ServerResponse res) throws Exception {
        JsonNode body = Json.readBody(req, access.limits().maxBodyBytes());
        GenerationParams params = GenerationParams.read(body, true, access.limits().maxTokens());
        List<ChatMessage> messages = ChatMessages.read(body, params.model());
        Map<String, Object> variables = Mode.templateVariables(Mode.read(body));
        String owner = Access.owner(req);
        String conversationId = body.path("conversation_id").isTextual() ? body.get("conversation_id").textValue() : null;
        try (AutoCloseable permit = access.generationPermit(owner)) {
            LoadedModel model = models.acquire(params.model());
            if (conversationId == null) {
                generations.run(res, Generations.Kind.CHAT, model, prompt(model, messages, variables), params);
                return;
            }
            if (params.n() != 1) throw ApiException.invalid("n", "a conversation stores one reply: 'n' must be 1 with 'conversation_id'");
            Conversation conversation = store.conversations().get(owner, conversationId).orElseThrow(() -> ConversationService.notFound(conversationId));
            List<ChatMessage> full = new ArrayList<>();
            ConversationService.systemPrompt(conversation).ifPresent(system -> full.add(new ChatMessage("system", system)));
            for (Message m : store.messages().list(owner, conversationId))
                full.add(new ChatMessage(m.role().name().toLowerCase(Locale.ROOT), ChatMessages.content(m.content(), "stored message", params.model())));
            full.addAll(messages);
            int[] prompt = prompt(model, full, variables); // fails before anything is stored if the conversation no longer fits
            // The new turn is committed before the first byte of the answer: once acknowledged, it survives a crash.
            for (ChatMessage m : messages)
                store.messages().append(owner, conversationId, ConversationService.role(m.role()), TextNode.valueOf(m.content()));
            Message reply = store.messages().beginReply(owner, conversationId);
            long[] lastSave = {System.nanoTime()};
            String[] latest = {""};
            List<Generations.Choice> choices = generations.run(res, Generations.Kind.CHAT, model, prompt, params, new Generations.Observer() {
                @Override public void onText(int index, String text) {
                    latest[0] = text;
                    if (System.nanoTime() - lastSave[0] > SAVE_EVERY_NANOS) {
                        store.messages().updateReply(owner, reply.id(), TextNode.valueOf(text));
                        lastSave[0] = System.nanoTime();
                    }
                }

                @Override public void onFinished(List<Generations.Choice> finished) {
                    Generations.Choice c = finished.getFirst();
                    store.messages().finishReply(owner, reply.id(), TextNode.valueOf(c.text()),
                            new TokenUsage(c.outcome().promptTokens(), c.outcome().completionTokens()));
                }
            });
            if (choices.isEmpty()) store.messages().updateReply(owner, reply.id(), TextNode.valueOf(latest[0])); // client left: keep what it saw
        }
    }

    private static int[] prompt(LoadedModel model, List<ChatMessage> messages, Map<String, Object> variables) {
        try {
            return model.text().chatPrompt(messages, variables);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("messages", e.getMessage());
        }
    }
}
