package dev.muse.safety;

import static org.junit.jupiter.api.Assertions.*;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GuardPromptTest {
    static final String HEADER = "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n";
    static final String CATEGORIES = "<BEGIN UNSAFE CONTENT CATEGORIES>\nS1: Violent Crimes.\nS2: Non-Violent Crimes.\nS3: Sex Crimes.\n"
            + "S4: Child Exploitation.\nS5: Defamation.\nS6: Specialized Advice.\nS7: Privacy.\nS8: Intellectual Property.\nS9: Indiscriminate Weapons.\n"
            + "S10: Hate.\nS11: Self-Harm.\nS12: Sexual Content.\nS13: Elections.\n";
    static final String TAIL = " message in the above conversation:\n - First line must read 'safe' or 'unsafe'.\n"
            + " - If unsafe, a second line must include a comma-separated list of violated categories.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";

    @Test
    void aPersonsTurnIsCheckedInLlamaGuard3sOwnWords() {
        Set<Hazard> thirteen = EnumSet.range(Hazard.S1, Hazard.S13);
        assertEquals(HEADER + "Task: Check if there is unsafe content in 'User' messages in conversations according our safety policy with the below categories.\n\n"
                + CATEGORIES + "<END UNSAFE CONTENT CATEGORIES>\n\n<BEGIN CONVERSATION>\n\nUser: How do I bake bread?\n\n<END CONVERSATION>\n\n"
                + "Provide your safety assessment for ONLY THE LAST User" + TAIL,
                GuardPrompt.of(List.of(new GuardPrompt.Turn(true, "  How do I bake bread?\n")), thirteen));
    }

    @Test
    void anAnswerIsCheckedAsTheAgentsWithEveryCategory() {
        String prompt = GuardPrompt.of(List.of(new GuardPrompt.Turn(true, "Hi"), new GuardPrompt.Turn(false, "Hello!")), EnumSet.allOf(Hazard.class));
        assertTrue(prompt.contains("unsafe content in 'Agent' messages"), prompt);
        assertTrue(prompt.contains(CATEGORIES + "S14: Code Interpreter Abuse.\n<END UNSAFE CONTENT CATEGORIES>"), prompt);
        assertTrue(prompt.contains("User: Hi\n\nAgent: Hello!\n\n<END CONVERSATION>"), prompt);
        assertTrue(prompt.endsWith("ONLY THE LAST Agent" + TAIL));
        assertThrows(IllegalArgumentException.class, () -> GuardPrompt.of(List.of(new GuardPrompt.Turn(false, "x")), EnumSet.allOf(Hazard.class)));
        assertThrows(IllegalArgumentException.class, () -> GuardPrompt.of(List.of(), EnumSet.allOf(Hazard.class)));
    }

    @Test
    void verdictsAreRead() {
        GuardVerdict safe = GuardVerdict.parse("\n\nsafe", 0.01);
        assertTrue(safe.safe() && safe.readable() && safe.hazards().isEmpty());
        GuardVerdict unsafe = GuardVerdict.parse("unsafe\nS1,S10", 0.97);
        assertFalse(unsafe.safe());
        assertEquals(Set.of(Hazard.S1, Hazard.S10), unsafe.hazards());
        GuardVerdict garbage = GuardVerdict.parse("Sure! Here is", Double.NaN);
        assertFalse(garbage.readable() || garbage.safe(), "an answer that is no verdict is not safe");
        assertEquals(Set.of(Hazard.S4), GuardVerdict.parse("unsafe\n S4 , S99", 1).hazards());
    }
}
