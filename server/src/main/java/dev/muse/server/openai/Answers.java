package dev.muse.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muse.runtime.Event;
import dev.muse.runtime.Event.TokenLogprob;
import dev.muse.runtime.FinishReason;
import java.util.List;
import java.util.UUID;

/**
 * The JSON of chat and text completions: the chunks of a stream and the whole body of an answer. One
 * instance per request holds what every object of the answer repeats (its id, creation time and model).
 */
public final class Answers {
    /** Which endpoint answers: /v1/chat/completions or /v1/completions. */
    public enum Kind { CHAT, TEXT }

    /**
     * A finished choice, as the whole body lists it: its text, a reasoning model's thought behind it (empty when none), and
     * the functions it called.
     */
    public record Choice(int index, String text, String reasoning, List<Event.ToolCall> toolCalls, List<TokenLogprob> logprobs,
                         FinishReason reason, String refusal) {}

    private final Kind kind;
    private final String id;
    private final long created = System.currentTimeMillis() / 1000;
    private final String model;
    private final int leftOutMessages;

    /** @param leftOutMessages messages of the conversation the answer was made without, to fit the context */
    public Answers(Kind kind, String model, int leftOutMessages) {
        this.kind = kind;
        this.leftOutMessages = leftOutMessages;
        this.id = (kind == Kind.CHAT ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        this.model = model;
    }

    /**
     * A chunk carrying text of one choice; {@code offset} is how much text the choice had before it, {@code first}
     * whether it is the choice's first chunk (which names the role).
     */
    public ObjectNode chunk(Event.Token token, int offset, boolean first) {
        ObjectNode chunk = Wire.head(id, chunkObject(), created, model);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", token.choice());
        boolean logprobs = !token.logprobs().isEmpty();
        if (kind == Kind.CHAT) {
            ObjectNode delta = choice.putObject("delta");
            if (first) delta.put("role", "assistant");
            delta.put("content", token.text());
            choice.set("logprobs", logprobs ? Wire.chatLogprobs(token.logprobs()) : null);
        } else {
            choice.put("text", token.text());
            choice.set("logprobs", logprobs ? Wire.textLogprobs(token.logprobs(), offset) : null);
        }
        choice.putNull("finish_reason");
        return chunk;
    }

    /**
     * A chunk carrying thought of one choice (a chat's only), as llama.cpp, vLLM and DeepSeek's API stream it:
     * {@code delta.reasoning_content}. {@code offset} is how much thought the choice had before it; thought comes first,
     * so its first chunk is the choice's first and names the role.
     */
    public ObjectNode reasoningChunk(Event.Reasoning reasoning, int offset) {
        Delta d = delta(reasoning.choice(), offset == 0);
        d.delta().put("reasoning_content", reasoning.text());
        return d.chunk();
    }

    /**
     * A chunk carrying one whole function call of a choice, as OpenAI streams them: {@code delta.tool_calls} with the
     * call's index, id, type and function (name and the arguments' JSON text, here at once). {@code first}: the choice's
     * first chunk, which names the role.
     */
    public ObjectNode toolCallChunk(Event.ToolCall call, boolean first) {
        Delta d = delta(call.choice(), first);
        if (first) d.delta().putNull("content");
        d.delta().putArray("tool_calls").add(toolCall(call, true));
        return d.chunk();
    }

    /** A chat chunk of one choice, and the delta object to fill in (its role named in the choice's first). */
    private record Delta(ObjectNode chunk, ObjectNode delta) {}

    private Delta delta(int index, boolean first) {
        ObjectNode chunk = Wire.head(id, chunkObject(), created, model);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", index);
        ObjectNode delta = choice.putObject("delta");
        if (first) delta.put("role", "assistant");
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return new Delta(chunk, delta);
    }

    private static ObjectNode toolCall(Event.ToolCall call, boolean indexed) {
        ObjectNode out = Json.object();
        if (indexed) out.put("index", call.index());
        out.put("id", call.id());
        out.put("type", "function");
        ObjectNode function = out.putObject("function");
        function.put("name", call.name());
        function.put("arguments", call.arguments());
        return out;
    }

    /**
     * The first chunk of an answer with Muse's extensions: choice 0 with an empty delta, and the extensions' fields (the
     * numbered passages of the person's documents it was given to cite, {@code muse_citations}; what memory did,
     * {@code muse_memory}).
     */
    public ObjectNode extensionsChunk(ObjectNode extensions) {
        Delta d = delta(0, false);
        d.chunk().setAll(extensions);
        return d.chunk();
    }

    /**
     * A chunk carrying a contemplation's progress (Muse's extension): choice 0 with an empty delta, so that a client that
     * only reads deltas sees nothing, and a {@code contemplation} object: the sub-agents' perspectives when they set out
     * ({@code agents}), then one sub-agent's ({@code agent}) thought ({@code reasoning_content}) or conclusion
     * ({@code content}) as it grows, and its end ({@code finish_reason}, {@code completion_tokens}).
     */
    public ObjectNode contemplationChunk(Event event) {
        Delta d = delta(0, false);
        ObjectNode c = d.chunk().putObject("contemplation");
        switch (event) {
            case Event.Contemplating s -> {
                ArrayNode agents = c.putArray("agents");
                for (int i = 0; i < s.perspectives().size(); i++) agents.addObject().put("agent", i).put("perspective", s.perspectives().get(i));
            }
            case Event.AgentText t -> c.put("agent", t.agent()).put(t.thought() ? "reasoning_content" : "content", t.text());
            case Event.AgentDone done -> c.put("agent", done.agent()).put("finish_reason", Wire.finishReason(done.reason()))
                    .put("completion_tokens", done.completionTokens());
            default -> throw new IllegalArgumentException("not a contemplation's event: " + event);
        }
        return d.chunk();
    }

    /**
     * A contemplation's sub-agents' work as a whole answer reports it (Muse's {@code contemplation} extension): each one's
     * perspective, thought, conclusion, finish reason and tokens.
     */
    public static final class Contemplation {
        /** One sub-agent's work so far; its texts grow in builders (a long thought comes a token at a time). */
        private record Agent(String perspective, StringBuilder thought, StringBuilder conclusion, Event.AgentDone[] done) {}

        private final List<Agent> agents = new java.util.ArrayList<>();

        /** Takes in one of the contemplation's events. */
        public void add(Event event) {
            switch (event) {
                case Event.Contemplating s -> {
                    for (String p : s.perspectives()) agents.add(new Agent(p, new StringBuilder(), new StringBuilder(), new Event.AgentDone[1]));
                }
                case Event.AgentText t -> (t.thought() ? agents.get(t.agent()).thought() : agents.get(t.agent()).conclusion()).append(t.text());
                case Event.AgentDone done -> agents.get(done.agent()).done()[0] = done;
                default -> throw new IllegalArgumentException("not a contemplation's event: " + event);
            }
        }

        /** Whether the answer contemplated at all. */
        public boolean any() { return !agents.isEmpty(); }

        public ObjectNode json() {
            ObjectNode out = Json.object();
            ArrayNode list = out.putArray("agents");
            for (int i = 0; i < agents.size(); i++) {
                Agent a = agents.get(i);
                ObjectNode o = list.addObject().put("agent", i).put("perspective", a.perspective())
                        .put("reasoning_content", a.thought().toString()).put("content", a.conclusion().toString());
                Event.AgentDone done = a.done()[0];
                if (done != null) o.put("finish_reason", Wire.finishReason(done.reason())).put("completion_tokens", done.completionTokens());
            }
            return out;
        }
    }

    /**
     * A step of Muse's own tools as the API shows it (Muse's extension): the call's {@code id}, the tool's {@code name},
     * its {@code arguments} (JSON text), the {@code result} the model read back, and the files it made ({@code outputs}:
     * each its media {@code type} and {@code b64_json}).
     */
    public static ObjectNode toolStep(Event.ToolStep step) {
        ObjectNode out = Json.object().put("id", step.id()).put("name", step.name()).put("arguments", step.arguments()).put("result", step.result());
        ArrayNode outputs = out.putArray("outputs");
        for (Event.ToolStep.Output o : step.outputs())
            outputs.addObject().put("type", o.mediaType()).put("b64_json", java.util.Base64.getEncoder().encodeToString(o.bytes()));
        return out;
    }

    /** A chunk carrying one step of Muse's own tools: choice 0 with an empty delta, and {@code tool_step} ({@link #toolStep}). */
    public ObjectNode toolStepChunk(Event.ToolStep step) {
        Delta d = delta(0, false);
        d.chunk().set("tool_step", toolStep(step));
        return d.chunk();
    }

    /** The chunk that ends one choice of a stream; a refusal (the safety screening's reason; null for none) rides in its delta. */
    public ObjectNode finish(int index, FinishReason reason, String refusal) {
        ObjectNode chunk = Wire.head(id, chunkObject(), created, model);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", index);
        if (kind == Kind.CHAT) {
            ObjectNode delta = choice.putObject("delta");
            if (refusal != null) delta.put("refusal", refusal);
        } else choice.put("text", "");
        choice.putNull("logprobs");
        choice.put("finish_reason", Wire.finishReason(reason));
        return chunk;
    }

    /** The stream's last chunk when the client asked for usage: no choices, the token counts. */
    public ObjectNode usage(Event.Usage usage) {
        ObjectNode last = Wire.head(id, chunkObject(), created, model);
        last.putArray("choices");
        last.set("usage", Wire.usage(usage.promptTokens(), usage.completionTokens(), usage.cachedPromptTokens(), leftOutMessages));
        return last;
    }

    /**
     * The whole answer, for a request that did not stream, with its sub-agents' work when it contemplated and the steps of
     * Muse's own tools ({@code tool_steps}) when it ran any.
     */
    public ObjectNode whole(List<Choice> choices, Event.Usage usage, Contemplation contemplation, ArrayNode toolSteps) {
        ObjectNode body = Wire.head(id, kind == Kind.CHAT ? "chat.completion" : "text_completion", created, model);
        ArrayNode array = body.putArray("choices");
        for (Choice c : choices) {
            ObjectNode choice = array.addObject();
            choice.put("index", c.index());
            boolean logprobs = !c.logprobs().isEmpty();
            if (kind == Kind.CHAT) {
                ObjectNode message = choice.putObject("message");
                message.put("role", "assistant");
                if (c.toolCalls().isEmpty() || !c.text().isEmpty()) message.put("content", c.text());
                else message.putNull("content"); // OpenAI's form for a reply that only calls functions
                if (!c.reasoning().isEmpty()) message.put("reasoning_content", c.reasoning());
                if (c.refusal() == null) message.putNull("refusal");
                else message.put("refusal", c.refusal());
                if (!c.toolCalls().isEmpty()) {
                    ArrayNode calls = message.putArray("tool_calls");
                    for (Event.ToolCall call : c.toolCalls()) calls.add(toolCall(call, false));
                }
                choice.set("logprobs", logprobs ? Wire.chatLogprobs(c.logprobs()) : null);
            } else {
                choice.put("text", c.text());
                choice.set("logprobs", logprobs ? Wire.textLogprobs(c.logprobs(), 0) : null);
            }
            choice.put("finish_reason", Wire.finishReason(c.reason()));
        }
        body.set("usage", Wire.usage(usage.promptTokens(), usage.completionTokens(), usage.cachedPromptTokens(), leftOutMessages));
        if (contemplation.any()) body.set("contemplation", contemplation.json());
        if (!toolSteps.isEmpty()) body.set("tool_steps", toolSteps);
        return body;
    }

    private String chunkObject() {
        return kind == Kind.CHAT ? "chat.completion.chunk" : "text_completion";
    }
}
