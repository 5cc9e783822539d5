package dev.muse.server.openai;

import dev.muse.safety.Hazard;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI's moderation categories and the Llama Guard hazards each stands for (S6 Specialized Advice, S7 Privacy,
 * S8 Intellectual Property and S13 Elections have none: they show in Muse's {@code muse_hazards} only).
 */
public final class ModerationCategories {
    /** OpenAI's categories, in the order its API lists them. */
    public static final List<String> ALL = List.of("harassment", "harassment/threatening", "hate", "hate/threatening", "illicit",
            "illicit/violent", "self-harm", "self-harm/intent", "self-harm/instructions", "sexual", "sexual/minors", "violence", "violence/graphic");

    private static final Map<Hazard, List<String>> OF = new EnumMap<>(Map.of(
            Hazard.S1, List.of("violence", "illicit/violent"),
            Hazard.S2, List.of("illicit"),
            Hazard.S3, List.of("sexual", "illicit/violent"),
            Hazard.S4, List.of("sexual/minors"),
            Hazard.S5, List.of("harassment"),
            Hazard.S9, List.of("violence", "illicit/violent"),
            Hazard.S10, List.of("hate"),
            Hazard.S11, List.of("self-harm"),
            Hazard.S12, List.of("sexual"),
            Hazard.S14, List.of("illicit")));

    private ModerationCategories() {}

    /** The OpenAI categories {@code hazards} stand for. */
    public static Set<String> of(Set<Hazard> hazards) {
        Set<String> out = new LinkedHashSet<>();
        for (Hazard h : Hazard.values()) if (hazards.contains(h)) out.addAll(OF.getOrDefault(h, List.of()));
        return out;
    }
}
