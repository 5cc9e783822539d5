package dev.muse.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.runtime.ChatRequest;
import dev.muse.runtime.Mode;

/**
 * How hard the assistant thinks: Muse's {@code mode} field (instant, thinking or contemplating), and a reasoning
 * model's thought budget from OpenAI's {@code reasoning_effort} or Muse's {@code reasoning_budget} (tokens).
 */
public final class Modes {
    /** The thought budgets, in tokens, that {@code reasoning_effort} low, medium and high stand for. */
    public static final int LOW = 1024, MEDIUM = 4096, HIGH = 16384;

    private Modes() {}

    /**
     * The mode a request asks for, or null when it names none. {@code reasoning_effort: minimal} without a mode asks
     * for an instant answer (a template that can turn thinking off does).
     */
    public static Mode read(JsonNode body) {
        JsonNode n = body.get("mode");
        if (n == null || n.isNull()) return "minimal".equals(Fields.string(body, "reasoning_effort")) ? Mode.INSTANT : null;
        return switch (n.isTextual() ? n.textValue() : "") {
            case "instant" -> Mode.INSTANT;
            case "thinking" -> Mode.THINKING;
            case "contemplating" -> Mode.CONTEMPLATING;
            default -> throw ApiException.invalid("mode", "'mode' must be one of instant, thinking, contemplating; got " + n);
        };
    }

    /**
     * How many sub-agents a contemplating answer runs: Muse's {@code agents} field (1 to {@value ChatRequest#MAX_AGENTS}),
     * or null for {@value ChatRequest#DEFAULT_AGENTS}. Only a contemplating answer of one choice takes it.
     */
    public static Integer agents(JsonNode body, Mode mode, int choices) {
        Integer agents = Fields.integer(body, "agents", 1, ChatRequest.MAX_AGENTS);
        if (mode != Mode.CONTEMPLATING) {
            if (agents != null) throw ApiException.invalid("agents", "'agents' is for \"mode\": \"contemplating\"");
            return null;
        }
        if (choices != 1) throw ApiException.invalid("n", "contemplating writes one answer: 'n' must be 1");
        return agents;
    }

    /**
     * Tokens a reasoning model may think before its thought is closed and it answers, or null for as long as it will:
     * {@code reasoning_budget} as given, or what {@code reasoning_effort} stands for (minimal 1, low {@value #LOW},
     * medium {@value #MEDIUM}, high {@value #HIGH}).
     */
    public static Integer thoughtBudget(JsonNode body) {
        Integer budget = Fields.integer(body, "reasoning_budget", 1, Integer.MAX_VALUE);
        String effort = Fields.string(body, "reasoning_effort");
        if (effort == null) return budget;
        if (budget != null) throw ApiException.invalid("reasoning_budget", "give 'reasoning_effort' or 'reasoning_budget', not both");
        return switch (effort) {
            case "minimal" -> 1;
            case "low" -> LOW;
            case "medium" -> MEDIUM;
            case "high" -> HIGH;
            default -> throw ApiException.invalid("reasoning_effort", "'reasoning_effort' must be one of minimal, low, medium, high; got '" + effort + "'");
        };
    }
}
