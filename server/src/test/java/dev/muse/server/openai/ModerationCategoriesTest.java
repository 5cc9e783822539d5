package dev.muse.server.openai;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.safety.Hazard;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModerationCategoriesTest {
    @Test
    void hazardsMapToOpenAisCategoriesAndSomeToNone() {
        assertEquals(13, ModerationCategories.ALL.size());
        assertEquals(Set.of("violence", "illicit/violent", "hate"), ModerationCategories.of(Set.of(Hazard.S10, Hazard.S1)));
        assertEquals(Set.of(), ModerationCategories.of(Set.of(Hazard.S6, Hazard.S7, Hazard.S8, Hazard.S13)));
        for (Hazard h : Hazard.values()) assertTrue(ModerationCategories.ALL.containsAll(ModerationCategories.of(Set.of(h))), h.name());
    }
}
