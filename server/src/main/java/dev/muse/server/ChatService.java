package dev.muse.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.muse.runtime.CapabilityException;
import dev.muse.runtime.ChatRequest;
import dev.muse.runtime.Engine;
import dev.muse.runtime.Generation;
import dev.muse.runtime.Mode;
import dev.muse.runtime.Tools;
import dev.muse.server.openai.Answers;
import dev.muse.server.openai.ApiException;
import dev.muse.server.openai.ChatMessages;
import dev.muse.server.openai.GenerationParams;
import dev.muse.server.openai.ImageUrls;
import dev.muse.server.openai.Json;
import dev.muse.server.openai.Modes;
import dev.muse.server.openai.ToolParams;
import dev.muse.server.store.Conversation;
import dev.muse.server.store.Message;
import dev.muse.server.store.Store;
import dev.muse.server.store.TokenUsage;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /v1/chat/completions}: the conversation is rendered with the model's chat template. With
 * Muse's {@code conversation_id} field, {@code messages} is only the new turn: the stored conversation is
 * put in front of it (after the conversation's {@code settings.system_prompt}, if any), its oldest turns left out
 * when it no longer fits the context, the turn is stored before the answer starts, and the reply is saved as it
 * streams.
 */
final class ChatService implements HttpService {
    /** How often a streamed reply is saved while it grows: a crash loses at most this much of it. */
    private static final long SAVE_EVERY_NANOS = 500_000_000L;

    private final Engine engine;
    private final Access access;
    private final Generations generations;
    private final Store store;
    private final ImageUrls imageUrls;
    private final Screening screening;
    private final DocumentsService documents;
    private final Remembering remembering;

    ChatService(Engine engine, Access access, Generations generations, Store store, Screening screening, ImageUrls imageUrls, DocumentsService documents,
                Remembering remembering) {
        this.engine = engine;
        this.documents = documents;
        this.remembering = remembering;
        this.screening = screening;
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
        if (Access.keyMarksText(req)) params = params.watermarked();
        ChatMessages.Input input = ChatMessages.read(body, imageUrls);
        Mode mode = Modes.read(body);
        Integer thoughtBudget = Modes.thoughtBudget(body);
        Integer agents = Modes.agents(body, mode, params.n());
        String owner = Access.owner(req);
        String conversationId = body.path("conversation_id").isTextual() ? body.get("conversation_id").textValue() : null;
        Conversation conversation = conversationId == null ? null
                : store.conversations().get(owner, conversationId).orElseThrow(() -> ConversationService.notFound(conversationId));
        List<String> ownTools = ToolParams.ownTools(body);
        // a key made with --tools, or a conversation whose settings turn them on, has Muse's tools unless the request says otherwise
        if (!body.has("muse_tools") && (Access.keyHasTools(req) || conversation != null && conversation.settings().path("muse_tools").asBoolean(false)))
            ownTools = ChatRequest.OWN_TOOLS;
        if (ownTools != null && params.n() != 1) throw ApiException.invalid("n", "with Muse's tools there is one answer: 'n' must be 1");
        Tools tools = ToolParams.read(body, ownTools);
        try (AutoCloseable permit = access.generationPermit(owner)) {
            screening.checkInput(params.model(), input.messages(), owner, conversationId, Access.safetyPolicy(req)); // refused before anything is generated or stored
            Grounding grounding = Grounding.of(body, owner, input.messages(), documents);
            Remembering.Use memory = remembering.forChat(body, owner, input.messages());
            JsonNode citations = grounding == null ? null : grounding.citations();
            ObjectNode extensions = Json.object();
            if (citations != null) extensions.set("muse_citations", citations);
            if (memory != null) extensions.set("muse_memory", memory.report());
            if (extensions.isEmpty()) extensions = null;
            List<ChatRequest.Message> asked = input.messages();
            if (grounding != null) asked = grounding.into(asked);
            if (memory != null && memory.recalled() != null) asked = Remembering.beforeLastUser(asked, memory.recalled());
            if (conversationId == null) {
                List<ChatRequest.Message> messages = asked;
                Generation generation = start(new ChatRequest(params.model(), messages, mode, params.options()).withThoughtBudget(thoughtBudget)
                        .withTools(tools).withAgents(agents).withOwnTools(ownTools).withScreen(screening.forDrawing(owner, Access.safetyPolicy(req))), 0);
                generations.run(req, res, Answers.Kind.CHAT, generation, params, screening.forOutput(input.messages(), params.n() == 1, owner, null, Access.safetyPolicy(req)),
                        Generations.Observer.NONE, extensions);
                return;
            }
            if (params.n() != 1) throw ApiException.invalid("n", "a conversation stores one reply: 'n' must be 1 with 'conversation_id'");
            if (tools != null && !tools.functions().isEmpty())
                throw ApiException.invalid("tools", "a stored conversation cannot call the client's functions yet: send 'tools' without 'conversation_id'");
            List<ChatRequest.Message> full = new ArrayList<>();
            ConversationService.systemPrompt(conversation).ifPresent(system -> full.add(ChatRequest.Message.of("system", system)));
            for (Message m : store.messages().list(owner, conversationId))
                full.add(ChatMessages.message(m.role().name().toLowerCase(Locale.ROOT), m.content(), "stored message", imageUrls));
            int stored = full.size();
            full.addAll(asked);
            // A conversation goes on however long it grows: its oldest turns are left out when it no longer fits (and an
            // answer without max tokens takes at most a quarter of the context). Fails before anything is stored if even
            // the new turn alone does not fit.
            Generation generation = start(new ChatRequest(params.model(), full, mode, params.options()).fittingContext().withThoughtBudget(thoughtBudget)
                    .withAgents(agents).withTools(tools).withOwnTools(ownTools).withScreen(screening.forDrawing(owner, Access.safetyPolicy(req))), stored);
            try {
                // The new turn is committed before the first byte of the answer: once acknowledged, it survives a crash.
                List<JsonNode> contents = withTranscripts(input.contents(), generation.heard());
                for (int i = 0; i < contents.size(); i++) {
                    JsonNode content = contents.get(i);
                    store.messages().append(owner, conversationId, ConversationService.role(input.messages().get(i).role()),
                            content == null || content.isNull() ? TextNode.valueOf("") : content);
                }
            } catch (RuntimeException e) {
                generation.close();
                throw e;
            }
            Message reply = store.messages().beginReply(owner, conversationId);
            if (citations != null) store.messages().cite(owner, reply.id(), citations); // a reloaded conversation still follows each [n]
            long[] lastSave = {System.nanoTime()};
            String[] latest = {"", ""}; // thought, text
            List<Generations.Choice> choices = generations.run(req, res, Answers.Kind.CHAT, generation, params, screening.forOutput(input.messages(), true, owner, conversationId, Access.safetyPolicy(req)),
                    new Generations.Observer() {
                @Override public void onText(int index, String reasoning, String text) {
                    latest[0] = reasoning;
                    latest[1] = text;
                    if (System.nanoTime() - lastSave[0] > SAVE_EVERY_NANOS) {
                        store.messages().updateReply(owner, reply.id(), TextNode.valueOf(text), orNull(reasoning));
                        lastSave[0] = System.nanoTime();
                    }
                }

                @Override public void onWork(JsonNode contemplation, JsonNode toolSteps) {
                    store.messages().saveWork(owner, reply.id(), contemplation, toolSteps);
                }

                @Override public void onFinished(List<Generations.Choice> finished) {
                    Generations.Choice c = finished.getFirst();
                    if (c.refusal() != null) store.messages().refuse(owner, reply.id(), c.refusal()); // the stored turn says why
                    store.messages().finishReply(owner, reply.id(), TextNode.valueOf(c.text()), orNull(c.reasoning()),
                            new TokenUsage(c.done().promptTokens(), c.done().completionTokens(), generation.leftOutMessages()));
                }
            }, extensions);
            if (choices.isEmpty()) // client left: keep what it saw
                store.messages().updateReply(owner, reply.id(), TextNode.valueOf(latest[1]), orNull(latest[0]));
        }
    }

    /** A thought as stored: null when there was none. */
    private static String orNull(String reasoning) {
        return reasoning.isEmpty() ? null : reasoning;
    }

    /**
     * The new turn's contents to store, each input_audio part marked with what was heard in it: the last of
     * {@code heard} belong to the new turn (the earlier ones to the stored conversation), and a spoken turn then
     * shows as a voice message with its transcript, and is not heard again on the next turn.
     */
    private static List<JsonNode> withTranscripts(List<JsonNode> contents, List<String> heard) {
        List<com.fasterxml.jackson.databind.node.ObjectNode> audioParts = new ArrayList<>();
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode content : contents) {
            JsonNode copy = content == null ? null : content.deepCopy();
            if (copy != null && copy.isArray())
                for (JsonNode part : copy)
                    if (part.isObject() && "input_audio".equals(part.path("type").asText()))
                        audioParts.add((com.fasterxml.jackson.databind.node.ObjectNode) part);
            out.add(copy);
        }
        for (int i = 0; i < audioParts.size(); i++)
            audioParts.get(i).put(ChatMessages.TRANSCRIPT, heard.get(heard.size() - audioParts.size() + i));
        return out;
    }

    /**
     * Starts the answer, saying which part of the request the runtime refused: the first {@code stored} messages
     * came from the conversation, the rest from the request.
     */
    private Generation start(ChatRequest request, int stored) {
        try {
            return engine.chat(request);
        } catch (CapabilityException e) {
            if (e.missing() == CapabilityException.Capability.TOOL_CALLS) throw ApiException.invalid("tools", e.getMessage());
            if (e.message() < stored)
                throw ApiException.invalid("conversation_id", "unsupported_content",
                        "The conversation holds images and the model '" + request.model() + "' reads text only");
            throw ApiException.invalid("messages[" + (e.message() - stored) + "].content", "unsupported_content", e.getMessage());
        } catch (IllegalArgumentException e) { // a template beyond our subset, or an image that cannot be read
            throw ApiException.invalid("messages", e.getMessage());
        }
    }
}
