package dev.muse.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ThoughtsTest {
    /** The thought and the answer {@code text} splits into, fed whole. */
    private static String[] split(boolean startsInThought, String text) {
        return split(startsInThought, List.of(text));
    }

    private static String[] split(boolean startsInThought, List<String> pieces) {
        Thoughts t = new Thoughts(startsInThought);
        List<Thoughts.Piece> out = new ArrayList<>();
        for (String p : pieces) out.addAll(t.add(p));
        out.addAll(t.flush());
        StringBuilder thought = new StringBuilder(), answer = new StringBuilder();
        boolean answered = false;
        for (Thoughts.Piece p : out) {
            if (p.thought()) {
                assertFalse(answered, "no thought after the answer began: " + out);
                thought.append(p.text());
            } else {
                answered = true;
                answer.append(p.text());
            }
        }
        return new String[] {thought.toString(), answer.toString()};
    }

    @Test
    void aThoughtAtTheStartIsSeparatedWithoutItsTagsAndTheWhitespaceAroundIt() {
        assertArrayEquals(new String[] {"Let me see.\nTwo and two.", "It is 4."},
                split(false, "<think>\nLet me see.\nTwo and two.\n</think>\n\nIt is 4."));
        assertArrayEquals(new String[] {"hmm", "yes"}, split(false, "  \n<think>hmm</think>yes"));
    }

    @Test
    void aTemplateThatOpensTheThoughtLeavesOnlyItsEnd() {
        assertArrayEquals(new String[] {"I should greet.", "Hello!"}, split(true, "I should greet.\n</think>\n\nHello!"));
    }

    @Test
    void anAnswerWithoutAThoughtIsUntouched() {
        assertArrayEquals(new String[] {"", " Once upon a time <think> is a tag"}, split(false, " Once upon a time <think> is a tag"));
        assertArrayEquals(new String[] {"", "<thin"}, split(false, "<thin"));
        assertArrayEquals(new String[] {"", "<b>bold</b>"}, split(false, "<b>bold</b>"));
    }

    @Test
    void anEmptyThoughtAsQwen3WritesItWithThinkingOff() {
        assertArrayEquals(new String[] {"", "Hi."}, split(false, "<think>\n\n</think>\n\nHi."));
    }

    @Test
    void aThoughtCutByTheLengthLimitStaysAThought() {
        assertArrayEquals(new String[] {"Still think</", ""}, split(false, "<think>Still think</")); // what was held back is the thought's
        assertArrayEquals(new String[] {"Still thinking", ""}, split(true, "Still thinking \n"));
    }

    @Test
    void onlyTheFirstClosingTagEndsTheThoughtAndLaterTagsBelongToTheAnswer() {
        assertArrayEquals(new String[] {"a", "b </think> <think>c</think>"}, split(false, "<think>a</think>b </think> <think>c</think>"));
    }

    @Test
    void tagsSplitAcrossPiecesAreRecognised() {
        String text = "\n<think>\nFirst, 12 * 3 = 36.\nThen add 4 </ not a tag.\n</think>\n\nThe answer is 40.";
        String[] whole = split(false, text);
        assertArrayEquals(new String[] {"First, 12 * 3 = 36.\nThen add 4 </ not a tag.", "The answer is 40."}, whole);
        Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
            List<String> pieces = new ArrayList<>();
            for (int i = 0; i < text.length(); ) {
                int n = 1 + random.nextInt(5);
                pieces.add(text.substring(i, Math.min(text.length(), i + n)));
                i += n;
            }
            assertArrayEquals(whole, split(false, pieces), pieces.toString());
        }
    }

    @Test
    void thoughtTextStreamsAsItComesHoldingBackOnlyAPossibleTag() {
        Thoughts t = new Thoughts(false);
        assertEquals(List.of(), t.add("<thi"));
        assertEquals(List.of(), t.add("nk>\n"));
        assertEquals(List.of(new Thoughts.Piece(true, "Count")), t.add("Count </"));
        assertTrue(t.thinking());
        assertEquals(List.of(new Thoughts.Piece(true, " </b")), t.add("b"));
        assertEquals(List.of(), t.add("\n</think>\n"));
        assertFalse(t.thinking());
        assertEquals(List.of(new Thoughts.Piece(false, "Two.")), t.add("Two."));
    }
}
