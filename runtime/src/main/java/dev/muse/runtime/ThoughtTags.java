package dev.muse.runtime;

import dev.muse.text.Tokenizer;
import java.util.Arrays;

/**
 * How a reasoning model marks its thought, for one whose chat template speaks of {@code <think>} (Qwen3, QwQ, the
 * DeepSeek-R1 distills): the tags' token ids where each is one token of the vocabulary (-1 where not), and the tokens
 * that close a thought past its budget.
 *
 * @param open    the id of {@code <think>}, or -1
 * @param close   the id of {@code </think>}, or -1 (then no budget can be kept: the thought's end cannot be told)
 * @param closing what a thought past its budget is closed with: the words Qwen3's report gives for ending a thought
 *                early, then the closing tag, so the model answers from what it has thought so far
 */
record ThoughtTags(int open, int close, int[] closing) {
    /** Qwen3's technical report (section 4.3, thinking budget) ends a thought that has run out of budget so. */
    static final String CLOSING_TEXT = "\n\nConsidering the limited time by the user, I have to give the solution based on the thinking directly now.\n"
            + Thoughts.CLOSE + "\n\n";

    /** The model's tags, or null when its template never writes {@code <think>}. */
    static ThoughtTags of(String template, Tokenizer tokenizer) {
        if (template == null || !template.contains(Thoughts.OPEN)) return null;
        return new ThoughtTags(single(tokenizer, Thoughts.OPEN), single(tokenizer, Thoughts.CLOSE), tokenizer.encodeText(CLOSING_TEXT, true));
    }

    /** Whether a thought budget can be kept: the closing tag is one token the scheduler can watch for. */
    boolean budgetable() { return close >= 0; }

    /**
     * Whether the prompt ends inside an open thought: the template opened it for the model (DeepSeek-R1's distills
     * end the generation prompt with {@code <think>\n}).
     */
    boolean opensIn(Prompt prompt, Tokenizer tokenizer) {
        int[] tokens = prompt.tokens();
        int[] tail = Arrays.stream(Arrays.copyOfRange(tokens, Math.max(0, tokens.length - 8), tokens.length)).filter(t -> t >= 0).toArray();
        return tokenizer.decode(tail).stripTrailing().endsWith(Thoughts.OPEN);
    }

    private static int single(Tokenizer tokenizer, String tag) {
        int[] ids = tokenizer.encodeText(tag, true);
        return ids.length == 1 ? ids[0] : -1;
    }
}
