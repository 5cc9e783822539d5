package dev.muse.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringsTest {
    @Test
    void textThatMightBeginAStopIsHeldBackUntilItCannot() {
        StopStrings s = new StopStrings(List.of("\nUser:", "###"));
        assertEquals("Hello", s.add("Hello"));
        assertEquals(" there", s.add(" there\nUs"));
        assertEquals("\nUsual", s.add("ual"));
        assertEquals("", s.add("#"));
        assertEquals("##x", s.add("#x"));
        assertFalse(s.stopped());
    }

    @Test
    void theFirstStopCutsTheTextAndEndsIt() {
        StopStrings s = new StopStrings(List.of("END", "\n\n"));
        assertEquals("a", s.add("a"));
        assertEquals("bc", s.add("bc\n\nmore END"));
        assertTrue(s.stopped());
        assertEquals("", s.add("anything"));
        assertEquals("", s.flush());
    }

    @Test
    void aStopSpreadOverManyPiecesIsFound() {
        StopStrings s = new StopStrings(List.of("STOP"));
        StringBuilder shown = new StringBuilder();
        for (String piece : new String[] {"xS", "T", "O", "P", "y"}) shown.append(s.add(piece));
        assertTrue(s.stopped());
        assertEquals("x", shown.toString());
    }

    @Test
    void withoutStopsEverythingFlowsAndHeldTextIsFlushedAtTheEnd() {
        assertEquals("abc", new StopStrings(List.of()).add("abc"));
        StopStrings s = new StopStrings(List.of("xyz"));
        assertEquals("a", s.add("axy"));
        assertEquals("xy", s.flush());
        assertThrows(IllegalArgumentException.class, () -> new StopStrings(List.of("")));
    }
}
