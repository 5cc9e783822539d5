package dev.muse.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.runtime.LoadedModel;
import dev.muse.runtime.Prompt;
import dev.muse.server.openai.ChatMessages;
import dev.muse.server.openai.ImageUrls;
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
    private final ImageUrls imageUrls;

    ChatService(Models models, Access access, Generations generations, Store store, ImageUrls imageUrls) {
        this.models = models;
        this.access = access;
        this.generations = generations;
        this.store = store;
        this.imageUrls = imageUrls;
    }

    @Override public void routing(HttpRules rules) {
        rules.post("/", this::complete);
    }

    private void complete(ServerRequest req, ServerResponse res) throws Exception {
        JsonNode body = Json.readBody(req, access.limits().maxBodyBytes());
        GenerationParams params = GenerationParams.read(body, true, access.limits().maxTokens());
        ChatMessages.Input input = ChatMessages.read(body);
        Map<String, Object> variables = Mode.templateVariables(Mode.read(body));
        String owner = Access.owner(req);
        String conversationId = body.path("conversation_id").isTextual() ? body.get("conversation_id").textValue() : null;
        try (AutoCloseable permit = access.generationPermit(owner)) {
            LoadedModel model = models.acquire(params.model());
            if (!input.images().isEmpty() && !model.text().seesImages())
                throw ApiException.invalid(input.images().getFirst().where(), "unsupported_content",
                        "The model '" + params.model() + "' cannot take images; it reads text only");
            if (conversationId == null) {
                generations.run(res, Generations.Kind.CHAT, model, prompt(model, input.messages(), variables, read(input.images())), params);
                return;
            }
            if (params.n() != 1) throw ApiException.invalid("n", "a conversation stores one reply: 'n' must be 1 with 'conversation_id'");
            Conversation conversation = store.conversations().get(owner, conversationId).orElseThrow(() -> ConversationService.notFound(conversationId));
            List<ChatMessage> full = new ArrayList<>();
            List<ChatMessages.ImageRef> images = new ArrayList<>();
            ConversationService.systemPrompt(conversation).ifPresent(system -> full.add(new ChatMessage("system", system)));
            for (Message m : store.messages().list(owner, conversationId))
                full.add(new ChatMessage(m.role().name().toLowerCase(Locale.ROOT), ChatMessages.content(m.content(), "stored message", images)));
            if (!images.isEmpty() && !model.text().seesImages())
                throw ApiException.invalid("conversation_id", "unsupported_content", "The conversation holds images and the model '" + params.model() + "' reads text only");
            full.addAll(input.messages());
            images.addAll(input.images());
            Prompt prompt = prompt(model, full, variables, read(images)); // fails before anything is stored if the conversation no longer fits
            // The new turn is committed before the first byte of the answer: once acknowledged, it survives a crash.
            for (int i = 0; i < input.messages().size(); i++) {
                JsonNode content = input.contents().get(i);
                store.messages().append(owner, conversationId, ConversationService.role(input.messages().get(i).role()),
                        content == null || content.isNull() ? TextNode.valueOf("") : content);
            }
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

    /** The images' bytes, read only now that the model is known to take them. */
    private List<byte[]> read(List<ChatMessages.ImageRef> images) {
        return images.stream().map(i -> imageUrls.read(i.url(), i.where())).toList();
    }

    private static Prompt prompt(LoadedModel model, List<ChatMessage> messages, Map<String, Object> variables, List<byte[]> images) {
        try {
            return model.text().chatPrompt(messages, variables, images);
        } catch (IllegalArgumentException e) { // a template beyond our subset, or an image that cannot be read
            throw ApiException.invalid("messages", e.getMessage());
        }
    }
}
