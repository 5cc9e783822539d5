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
}
