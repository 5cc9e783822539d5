package dev.muse.runtime;

import java.util.List;

/**
 * What every generation request shares.
 *
 * @param maxTokens   tokens to generate at most per choice; null: until the end of text or of the context
 * @param stop        strings that end a choice (not included in its text)
 * @param choices     answers to the same prompt, each sampled with its own seed (seed, seed + 1, ...)
 * @param topLogprobs -1 for no log-probabilities, else how many alternatives to report per token (0..20)
 * @param grammar     the text every choice must be a sentence of (constrained decoding: JSON that validates against
 *                    a schema, or any GBNF grammar); null for free text. A reasoning model's thought is then not
 *                    separated: the whole text is the grammar's
 * @param watermark   whether the text is written with the installation's text watermark (a green-list bias on sampling)
 */
public record GenerationOptions(Integer maxTokens, Sampling sampling, List<String> stop, int choices, int topLogprobs, OutputGrammar grammar,
                                boolean watermark) {
    public GenerationOptions {
        if (maxTokens != null && maxTokens < 1) throw new IllegalArgumentException("max tokens must be >= 1");
        if (choices < 1) throw new IllegalArgumentException("at least one choice");
        if (topLogprobs < -1 || topLogprobs > 20) throw new IllegalArgumentException("top logprobs must be in 0..20");
        stop = List.copyOf(stop);
        for (String s : stop) if (s.isEmpty()) throw new IllegalArgumentException("a stop string cannot be empty");
    }

    /** Free text. */
    public GenerationOptions(Integer maxTokens, Sampling sampling, List<String> stop, int choices, int topLogprobs) {
        this(maxTokens, sampling, stop, choices, topLogprobs, null);
    }

    /** Without a text watermark. */
    public GenerationOptions(Integer maxTokens, Sampling sampling, List<String> stop, int choices, int topLogprobs, OutputGrammar grammar) {
        this(maxTokens, sampling, stop, choices, topLogprobs, grammar, false);
    }

    public GenerationOptions withMaxTokens(Integer n) {
        return new GenerationOptions(n, sampling, stop, choices, topLogprobs, grammar, watermark);
    }

    /** The same options with every choice kept to {@code g} (null: free text). */
    public GenerationOptions withGrammar(OutputGrammar g) {
        return new GenerationOptions(maxTokens, sampling, stop, choices, topLogprobs, g, watermark);
    }

    /** The same options with the text watermark on or off. */
    public GenerationOptions withWatermark(boolean on) {
        return new GenerationOptions(maxTokens, sampling, stop, choices, topLogprobs, grammar, on);
    }

    /** One choice of at most {@code maxTokens}, no stop strings, no log-probabilities. */
    public static GenerationOptions of(Integer maxTokens, Sampling sampling) {
        return new GenerationOptions(maxTokens, sampling, List.of(), 1, -1);
    }
}
