package dev.muse.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * Separates a reasoning model's thought from its answer in the text of one choice, as it streams. Reasoning models
 * (Qwen3, QwQ, the DeepSeek-R1 distills) think between {@code <think>} and {@code </think>} at the start of their
 * answer; some chat templates open the block in the prompt, so the text holds only the closing tag. As llama.cpp's
 * "deepseek" reasoning format does, a block is recognised only at the very start of the answer (after whitespace):
 * a tag later in the text is the answer's own. The whitespace around the thought is dropped, and text that may be
 * the start of a tag is held back until the next piece decides it.
 */
final class Thoughts {
    static final String OPEN = "<think>", CLOSE = "</think>";

    /** A stretch of text ready to show: part of the thought, or of the answer. */
    record Piece(boolean thought, String text) {}

    private enum State { ANSWER_START, THOUGHT_START, THOUGHT, AFTER_THOUGHT, ANSWER }

    private State state;
    private final StringBuilder held = new StringBuilder();

    /** @param startsInThought the prompt ends inside an open thought block (a template that opens it) */
    Thoughts(boolean startsInThought) {
        state = startsInThought ? State.THOUGHT_START : State.ANSWER_START;
    }

    /** Whether the text is still inside its thought (or may yet open one). */
    boolean thinking() {
        return state == State.THOUGHT_START || state == State.THOUGHT;
    }

    /** Whether the text held back, if any, is the answer's (not the thought's, nor the whitespace after it). */
    boolean answering() {
        return state == State.ANSWER_START || state == State.ANSWER;
    }

    /** The pieces that the text so far, with {@code text} added, makes ready. */
    List<Piece> add(String text) {
        held.append(text);
        List<Piece> out = new ArrayList<>();
        while (step(out)) { }
        return out;
    }

    /** The end of the text: whatever was held back. A thought that never closed (the length limit) stays a thought. */
    List<Piece> flush() {
        List<Piece> out = new ArrayList<>();
        String rest = held.toString();
        held.setLength(0);
        switch (state) {
            case ANSWER_START, ANSWER -> emit(out, false, rest);
            case THOUGHT_START, THOUGHT -> emit(out, true, rest.strip());
            case AFTER_THOUGHT -> { } // only whitespace after the thought
        }
        state = State.ANSWER;
        return out;
    }

    /** Moves on as far as the held text allows; true when the state changed and there may be more to do. */
    private boolean step(List<Piece> out) {
        switch (state) {
            case ANSWER_START -> {
                String t = held.toString().stripLeading();
                if (t.isEmpty() || t.length() < OPEN.length() && OPEN.startsWith(t)) return false; // may still open a thought
                if (t.startsWith(OPEN)) {
                    replaceHeld(t.substring(OPEN.length()));
                    state = State.THOUGHT_START;
                } else {
                    state = State.ANSWER;
                }
                return true;
            }
            case THOUGHT_START, AFTER_THOUGHT -> {
                String t = held.toString().stripLeading();
                replaceHeld(t);
                if (t.isEmpty()) return false;
                state = state == State.THOUGHT_START ? State.THOUGHT : State.ANSWER;
                return true;
            }
            case THOUGHT -> {
                String t = held.toString();
                int close = t.indexOf(CLOSE);
                if (close >= 0) {
                    emit(out, true, t.substring(0, close).stripTrailing());
                    replaceHeld(t.substring(close + CLOSE.length()));
                    state = State.AFTER_THOUGHT;
                    return true;
                }
                // hold back what may be the start of the closing tag, and the whitespace before it (dropped if it closes)
                String ready = t.substring(0, t.length() - partialSuffix(t, CLOSE)).stripTrailing();
                emit(out, true, ready);
                replaceHeld(t.substring(ready.length()));
                return false;
            }
            case ANSWER -> {
                emit(out, false, held.toString());
                held.setLength(0);
                return false;
            }
        }
        throw new AssertionError(state);
    }

    /** The length of the longest suffix of {@code text} that is a proper prefix of {@code tag}. */
    private static int partialSuffix(String text, String tag) {
        for (int k = Math.min(tag.length() - 1, text.length()); k > 0; k--)
            if (text.regionMatches(text.length() - k, tag, 0, k)) return k;
        return 0;
    }

    private void replaceHeld(String text) {
        held.setLength(0);
        held.append(text);
    }

    private static void emit(List<Piece> out, boolean thought, String text) {
        if (!text.isEmpty()) out.add(new Piece(thought, text));
    }
}
