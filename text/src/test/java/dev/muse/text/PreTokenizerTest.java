package dev.muse.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Word splits of the pre-tokenizer regexes, worked out by hand from the regex rules as Oniguruma (used
 * by Hugging Face tokenizers) applies them: leftmost alternative first, greedy with backtracking.
 */
class PreTokenizerTest {

    private static List<String> llama3(String text) {
        return PreTokenizer.forType("llama-bpe").split(text);
    }

    @Test
    void llama3KeepsOneSpaceForTheNextWord() {
        assertEquals(List.of("Hello", " world"), llama3("Hello world"));
        // \s+(?!\S) backtracks to leave the last space to " Hello".
        assertEquals(List.of("  ", " Hello"), llama3("   Hello"));
        assertEquals(List.of("a", "\n\n", " ", " b"), llama3("a\n\n  b"));
        assertEquals(List.of("x", "   \n"), llama3("x   \n"));
        assertEquals(List.of("   "), llama3("   "));
    }

    @Test
    void llama3GroupsDigitsByThreeAndSplitsContractions() {
        assertEquals(List.of("123", "45"), llama3("12345"));
        assertEquals(List.of("I", "'M", " don", "'t"), llama3("I'M don't"));
        assertEquals(List.of("hello", "!!!\n\n", "world"), llama3("hello!!!\n\nworld"));
    }

    @Test
    void llama3TreatsSurrogatePairsAsOneCharacter() {
        // An emoji is neither letter nor digit: it may lead a word, as one code point.
        assertEquals(List.of("a", "😀b"), llama3("a😀b"));
        assertEquals(List.of("😀😀", " ok"), llama3("😀😀 ok"));
        assertEquals(List.of("𝔘𝔫𝔦"), llama3("𝔘𝔫𝔦"));
    }

    @Test
    void llama3SpaceClassIsUnicodeWhitespace() {
        // U+3000 is White_Space: without UNICODE_CHARACTER_CLASS Java's \s would miss it.
        assertEquals(List.of("a", "\u3000", " b"), llama3("a\u3000 b"));
    }

    @Test
    void llama3IgnoresMerges() {
        assertTrue(PreTokenizer.forType("llama-bpe").ignoreMerges());
        assertTrue(!PreTokenizer.forType("qwen2").ignoreMerges());
    }

    @Test
    void qwen2SplitsEveryDigit() {
        assertEquals(List.of("1", "2", "3", " apples"), PreTokenizer.forType("qwen2").split("123 apples"));
    }

    @Test
    void gpt2LeavesTheLastSpaceToTheWord() {
        assertEquals(List.of("Hello", "  ", " world"), PreTokenizer.forType("gpt-2").split("Hello   world"));
        assertEquals(List.of("I", "'m", " 42", "!"), PreTokenizer.forType("gpt-2").split("I'm 42!"));
    }

    @Test
    void smollmSplitsDigitsBeforeGpt2Rules() {
        assertEquals(List.of("abc", "1", "2", "3", " x"), PreTokenizer.forType("smollm").split("abc123 x"));
    }

    @Test
    void splitCoversTheWholeText() {
        String text = Corpus.TEXTS.stream().reduce("", String::concat);
        for (String pre : List.of("default", "llama-bpe", "qwen2", "qwen35", "gpt-2", "smollm", "falcon",
                "deepseek-coder", "deepseek-v3", "bloom", "viking", "tekken", "gpt-4o", "seed-coder", "bailingmoe")) {
            assertEquals(text, String.join("", PreTokenizer.forType(pre).split(text)), pre);
        }
    }

    @Test
    void unknownTypeIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PreTokenizer.forType("no-such-pre"));
        assertTrue(e.getMessage().contains("no-such-pre"), e.getMessage());
    }

    @Test
    void emptyTextHasNoWords() {
        assertEquals(List.of(), llama3(""));
    }
}
