package dev.muse.safety;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class SafetyPolicyTest {
    @Test
    void eachCategoryBlocksFlagsOrPassesAndTheStrongestWins() {
        SafetyPolicy policy = SafetyPolicy.parse(" S6=flag, s13=OFF,S1=block ");
        assertEquals("S6=flag,S13=off", policy.toString());
        assertEquals(SafetyPolicy.Action.FLAG, policy.decide(GuardVerdict.parse("unsafe\nS6", 1)));
        assertEquals(SafetyPolicy.Action.ALLOW, policy.decide(GuardVerdict.parse("unsafe\nS13", 1)));
        assertEquals(SafetyPolicy.Action.BLOCK, policy.decide(GuardVerdict.parse("unsafe\nS6,S10", 1)), "S10 is blocked by default");
        assertEquals(SafetyPolicy.Action.FLAG, policy.decide(GuardVerdict.parse("unsafe\nS13,S6", 1)));
        assertEquals(SafetyPolicy.Action.ALLOW, policy.decide(GuardVerdict.parse("safe", 0)));
        assertEquals(SafetyPolicy.Action.BLOCK, policy.decide(GuardVerdict.parse("gibberish", Double.NaN)), "an unreadable verdict is blocked");
        assertEquals(SafetyPolicy.Action.BLOCK, policy.decide(GuardVerdict.parse("unsafe", 1)), "unsafe without categories is blocked");
        assertEquals(SafetyPolicy.Action.BLOCK, SafetyPolicy.DEFAULT.decide(GuardVerdict.parse("unsafe\nS13", 1)));
        assertSame(SafetyPolicy.DEFAULT, SafetyPolicy.parse(null));
        assertThrows(IllegalArgumentException.class, () -> SafetyPolicy.parse("S99=off"));
        assertThrows(IllegalArgumentException.class, () -> SafetyPolicy.parse("S1=maybe"));
        assertThrows(IllegalArgumentException.class, () -> SafetyPolicy.parse("S1"));
    }

    @Test
    void madePicturesAreBlurredUnlessThePolicySaysBlock() {
        assertTrue(SafetyPolicy.DEFAULT.blursImages());
        SafetyPolicy block = SafetyPolicy.parse("S12=block,images=block");
        assertFalse(block.blursImages());
        assertEquals("images=block", block.toString());
        assertEquals("S6=flag,images=block", SafetyPolicy.parse("images=BLOCK, S6=flag").toString());
        assertTrue(SafetyPolicy.parse("images=blur").blursImages());
        assertThrows(IllegalArgumentException.class, () -> SafetyPolicy.parse("images=hide"));
    }

    @Test
    void explicitPicturesAreSexualContent() {
        var labels = java.util.List.of("Drawing", "Hentai", "Neutral", "Porn", "Sexy");
        GuardVerdict explicit = ImageSafety.verdict(labels, new float[] {0.1f, 0.2f, 0.05f, 0.35f, 0.3f});
        assertFalse(explicit.safe());
        assertEquals(java.util.Set.of(Hazard.S12), explicit.hazards());
        assertEquals(0.55, explicit.unsafeProbability(), 1e-6);
        assertEquals(SafetyPolicy.Action.BLOCK, SafetyPolicy.DEFAULT.decide(explicit));
        assertEquals(SafetyPolicy.Action.FLAG, SafetyPolicy.parse("S12=flag").decide(explicit));
        GuardVerdict suggestive = ImageSafety.verdict(labels, new float[] {0.05f, 0.05f, 0.1f, 0.1f, 0.7f});
        assertTrue(suggestive.safe(), "suggestive is not explicit");
        assertThrows(IllegalArgumentException.class, () -> ImageSafety.verdict(labels, new float[4]));
    }
}
