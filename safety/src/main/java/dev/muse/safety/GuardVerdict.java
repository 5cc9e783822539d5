package dev.muse.safety;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What Llama Guard answered: {@code safe}, or {@code unsafe} and a line of violated categories ({@code S1,S10}).
 * {@code unsafeProbability} is the model's own probability of "unsafe" against "safe" as its first word (NaN when
 * it was not read); an answer that is neither is {@code readable() == false} and treated as unsafe by callers that
 * must fail closed.
 */
public record GuardVerdict(boolean safe, Set<Hazard> hazards, double unsafeProbability, boolean readable, String text) {
    /** Reads the model's answer {@code text}. */
    public static GuardVerdict parse(String text, double unsafeProbability) {
        List<String> lines = new ArrayList<>();
        for (String line : text.strip().split("\n")) if (!line.isBlank()) lines.add(line.strip());
        String first = lines.isEmpty() ? "" : lines.getFirst().toLowerCase(java.util.Locale.ROOT);
        if (first.equals("safe")) return new GuardVerdict(true, Set.of(), unsafeProbability, true, text);
        if (!first.equals("unsafe")) return new GuardVerdict(false, Set.of(), unsafeProbability, false, text);
        Set<Hazard> hazards = new LinkedHashSet<>();
        if (lines.size() > 1)
            for (String code : lines.get(1).split(",")) {
                Hazard h = Hazard.of(code);
                if (h != null) hazards.add(h);
            }
        return new GuardVerdict(false, Set.copyOf(hazards), unsafeProbability, true, text);
    }
}
