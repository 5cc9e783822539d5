package dev.muse.runtime;

import java.util.Map;

/**
 * How hard the assistant thinks. Today a mode maps onto the chat template: Instant turns a reasoning model's
 * thinking off ({@code enable_thinking = false}, as Qwen3's template reads it), Thinking and Contemplating
 * turn it on. Without a mode the template's own default applies. (Contemplating, several reasoners in
 * parallel and then one answer, is the runtime's to grow into.)
 */
public enum Mode {
    INSTANT, THINKING, CONTEMPLATING;

    /** The chat template variables a mode (null: none asked for) sets. */
    static Map<String, Object> templateVariables(Mode mode) {
        return mode == null ? Map.of() : Map.of("enable_thinking", mode != INSTANT);
    }
}
