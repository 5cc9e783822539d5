package dev.muse.text.template;

import dev.muse.text.ChatMessage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A chat template from a model file ({@code tokenizer.chat_template} in GGUF), parsed once and
 * rendered per request. Muse runs these templates with its own small, sandboxed Jinja interpreter
 * rather than a general template engine: model files are untrusted input, and general engines have
 * turned templates into code execution. The interpreter can only read the values it is given, call a
 * whitelist of filters and methods, and produce text within {@link RenderLimits}; everything it does
 * not support fails with a {@link TemplateException} instead of rendering something else.
 *
 * <p>Rendering matches Hugging Face's chat-template semantics ({@code trim_blocks} and
 * {@code lstrip_blocks} on, as in transformers' {@code apply_chat_template}); the tests compare it
 * byte for byte with Hugging Face's own JavaScript implementation. Instances are immutable and
 * thread-safe.
 */
public final class ChatTemplate {
    private final String source;
    private final List<Node.Stmt> program;
    private final Positions positions;
    private final Clock clock;
    private final RenderLimits limits;

    private ChatTemplate(String source, List<Node.Stmt> program, Positions positions, Clock clock, RenderLimits limits) {
        this.source = source;
        this.program = program;
        this.positions = positions;
        this.clock = clock;
        this.limits = limits;
    }

    /** Parses a template; syntax errors and unsupported statements fail here, with line and column. */
    public static ChatTemplate parse(String source) throws TemplateException {
        Objects.requireNonNull(source, "source");
        Positions positions = new Positions(source);
        try {
            Preprocessor.Result text = Preprocessor.run(source);
            List<Node.Stmt> program = Parser.parse(Lexer.tokenize(text, positions), positions, source.length());
            return new ChatTemplate(source, List.copyOf(program), positions, Clock.systemDefaultZone(), RenderLimits.DEFAULT);
        } catch (StackOverflowError e) {
            throw TemplateException.at("template nested too deeply to parse", 1, 1);
        }
    }

    /** The same template reading "now" ({@code strftime_now}) from the given clock and its zone. */
    public ChatTemplate withClock(Clock clock) {
        return new ChatTemplate(source, program, positions, Objects.requireNonNull(clock, "clock"), limits);
    }

    /** The same template under other sandbox limits. */
    public ChatTemplate withLimits(RenderLimits limits) {
        return new ChatTemplate(source, program, positions, clock, Objects.requireNonNull(limits, "limits"));
    }

    public String source() { return source; }

    /**
     * Renders with the given variables. Values may be String, Integer/Long, Float/Double, Boolean,
     * null, {@link Undefined}, List and Map with String keys (nested freely); they are copied, so the
     * template cannot change the caller's objects.
     *
     * @throws TemplateException        if the template fails, refuses the input ({@code raise_exception})
     *                                  or exceeds a limit
     * @throws IllegalArgumentException if the context holds a value of another type
     */
    public String render(Map<String, ?> context) throws TemplateException {
        Budget budget = new Budget(limits);
        Scope root = new Scope(null);
        Globals.install(root, clock, budget);
        for (Map.Entry<String, ?> e : context.entrySet()) {
            if (root.declaresHere(e.getKey())) {
                // The reference refuses to shadow its globals, so a template never sees a different "true" or "range".
                throw new TemplateException("context variable '" + e.getKey() + "' would replace a built-in name");
            }
            root.set(e.getKey(), Values.fromJava(e.getValue(), 0, limits));
        }
        try {
            return new Interpreter(positions, budget).render(program, root);
        } catch (StackOverflowError e) {
            throw new TemplateException("template recursion too deep");
        }
    }

    /**
     * Renders a conversation with the variables Hugging Face's {@code apply_chat_template} provides;
     * see {@link #chatContext}.
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, String bosToken, String eosToken,
                         Map<String, ?> extra) throws TemplateException {
        return render(chatContext(messages, addGenerationPrompt, bosToken, eosToken, extra));
    }

    /**
     * The standard chat-template variables: {@code messages} (maps with "role" and "content", and "tool_calls" or
     * "tool_call_id" on turns that have them),
     * {@code add_generation_prompt}, {@code bos_token}, {@code eos_token}, then every entry of
     * {@code extra} — such as {@code tools} (a list of JSON-schema function maps), present only when
     * given, or template switches like {@code enable_thinking}.
     */
    public static Map<String, Object> chatContext(List<ChatMessage> messages, boolean addGenerationPrompt,
                                                  String bosToken, String eosToken, Map<String, ?> extra) {
        List<Object> turns = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            Map<String, Object> turn = new LinkedHashMap<>();
            turn.put("role", m.role());
            turn.put("content", m.content());
            if (!m.toolCalls().isEmpty()) turn.put("tool_calls", m.toolCalls());
            if (m.toolCallId() != null) turn.put("tool_call_id", m.toolCallId());
            turns.add(turn);
        }
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("messages", turns);
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("bos_token", bosToken);
        context.put("eos_token", eosToken);
        if (extra != null) {
            for (Map.Entry<String, ?> e : extra.entrySet()) {
                if (context.containsKey(e.getKey())) throw new IllegalArgumentException("extra variable '" + e.getKey() + "' is a standard one");
                context.put(e.getKey(), e.getValue());
            }
        }
        return context;
    }
}
