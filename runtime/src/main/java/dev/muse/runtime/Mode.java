package dev.muse.runtime;

import java.util.Map;

/**
 * How hard the assistant thinks. Today a mode maps onto the chat template: Instant turns a reasoning model's
 * thinking off ({@code enable_thinking = false}, as Qwen3's template reads it; a template that cannot has the thought
 * closed after one token), Thinking and Contemplating turn it on. Without a mode the template's own default applies. (Contemplating, several reasoners in
 * parallel and then one answer, is the runtime's to grow into.)
 */
public enum Mode {
    INSTANT, THINKING, CONTEMPLATING;

    /** The chat template variables a mode (null: none asked for) sets. */
    static Map<String, Object> templateVariables(Mode mode) {
        return mode == null ? Map.of() : Map.of("enable_thinking", mode != INSTANT);
    }

    /**
     * A reasoning model's thought budget: the one asked for, else one token for Instant, so that a template that
     * cannot turn thinking off (DeepSeek-R1's distills open the thought in the prompt) has its thought closed at once.
     */
    static Integer thoughtBudget(Mode mode, Integer asked) {
        return asked != null ? asked : mode == INSTANT ? Integer.valueOf(1) : null;
    }
}
