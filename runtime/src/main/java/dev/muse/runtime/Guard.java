package dev.muse.runtime;

import dev.muse.safety.GuardVerdict;
import dev.muse.safety.Hazard;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Running a Llama Guard model on its prompt: greedy, a few tokens (the verdict is one or two short lines), with the
 * first token's log-probabilities kept so that the probability of "unsafe" against "safe" can be read.
 */
final class Guard {
    /** The verdict's tokens: "unsafe", a newline and a few categories. */
    static final GenerationOptions OPTIONS = new GenerationOptions(12, Sampling.greedy(), List.of(), 1, 5);

    private Guard() {}

    /** Whether a model on offer is a guard model: its id names it (llama-guard-3-1b, Llama-Guard-3-8B-Q4_K_M, ...). */
    static boolean isGuard(String id) {
        return id.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").contains("llamaguard");
    }

    /** The categories a guard model was trained on: S1-S13 for the 1B model, all fourteen for the 8B. */
    static Set<Hazard> hazardsOf(String id) {
        Set<Hazard> all = EnumSet.allOf(Hazard.class);
        if (id.toLowerCase(Locale.ROOT).matches(".*\\b1b\\b.*|.*[-_.]1b([-_.].*)?")) all.remove(Hazard.S14);
        return all;
    }

    /** Reads the verdict the generation writes. */
    static GuardVerdict verdict(Generation generation) throws InterruptedException {
        StringBuilder text = new StringBuilder();
        double safe = Double.NaN, unsafe = Double.NaN;
        boolean first = true;
        for (Event e = generation.next(); !e.last(); e = generation.next()) {
            if (e instanceof Event.Error error) throw error.error() instanceof RuntimeException r ? r : new IllegalStateException(error.error());
            if (!(e instanceof Event.Token t)) continue;
            text.append(t.text());
            if (first && !t.logprobs().isEmpty()) {
                for (Event.TokenLogprob alternative : t.logprobs().getFirst().top()) {
                    String word = new String(alternative.bytes(), StandardCharsets.UTF_8).strip().toLowerCase(Locale.ROOT);
                    if (word.equals("safe") && Double.isNaN(safe)) safe = alternative.logprob();
                    if (word.equals("unsafe") && Double.isNaN(unsafe)) unsafe = alternative.logprob();
                }
                first = false;
            }
        }
        double p = Double.isNaN(safe) && Double.isNaN(unsafe) ? Double.NaN
                : Double.isNaN(safe) ? 1 : Double.isNaN(unsafe) ? 0 : 1 / (1 + Math.exp(safe - unsafe));
        return GuardVerdict.parse(text.toString(), p);
    }
}
