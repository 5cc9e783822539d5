package dev.muse.text.phonemes;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.formats.FormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The phonemizer's own behaviour: chunks Kokoro can say at once, pronunciations given in the text, unknown words, bad lexicons. */
class EnglishG2pTest {
    static final EnglishG2p US = load();

    private static EnglishG2p load() {
        try {
            return EnglishG2p.load(EnglishG2pGoldenTest.GOLDEN, false);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void longTextIsCutAtSentenceEndsIntoChunksKokoroCanSay() {
        String sentence = "The quick brown fox jumps over the lazy dog. ";
        List<EnglishG2p.Chunk> chunks = US.chunks(sentence.repeat(30));
        assertTrue(chunks.size() > 1, "several chunks");
        for (EnglishG2p.Chunk c : chunks) {
            assertTrue(c.phonemes().length() <= EnglishG2p.MAX_PHONEMES, c.phonemes().length() + " phonemes");
            assertTrue(c.phonemes().endsWith("."), "a chunk ends at a sentence end: " + c.phonemes());
            assertTrue(c.text().endsWith("dog."), c.text());
        }
        assertEquals(US.phonemize(sentence.repeat(30)).strip().replace("  ", " "), String.join(" ", chunks.stream().map(EnglishG2p.Chunk::phonemes).toList()));
    }

    @Test
    void aShortFirstChunkThenLongerOnes() {
        String text = "Paris is the capital of France, and Berlin of Germany. ".repeat(6); // "pˈɛɹəs ɪz ðə kˈæpəTᵊl ʌv fɹˈæns," is 33
        List<EnglishG2p.Chunk> chunks = US.chunks(text, 40, 200);
        assertEquals("pˈɛɹəs ɪz ðə kˈæpəTᵊl ʌv fɹˈæns,", chunks.getFirst().phonemes());
        assertTrue(chunks.getFirst().phonemes().endsWith(","), "cut at the clause: " + chunks.getFirst().phonemes());
        assertTrue(chunks.get(1).phonemes().length() > 40 && chunks.get(1).phonemes().length() <= 200, chunks.get(1).phonemes());
        assertTrue(chunks.get(1).phonemes().endsWith("."), "then cut at sentence ends: " + chunks.get(1).phonemes());
        assertThrows(IllegalArgumentException.class, () -> US.chunks(text, 300, 200), "the first no longer than the rest");
    }

    @Test
    void aLinkGivesAWordItsPhonemes() {
        assertEquals("ðə kˈOkəɹO mˈɑdᵊl.", US.phonemize("The [Kokoro](/kˈOkəɹO/) model."));
    }

    @Test
    void aWordTheLexiconLacksIsSpelledOut() {
        String ps = US.phonemize("Zqx");
        assertFalse(ps.isBlank());
        assertEquals(US.phonemize("Z") + " " + US.phonemize("Q") + " " + US.phonemize("X"), ps, "each letter by its name");
    }

    @Test
    void phonemesAreKokorosSymbols() throws Exception {
        String allowed = "AIOWYTbdfhijklmnpstuvwzæðŋɑɔəɛɜɡɪɹʃʊʌʒʤʧˈˌθᵊᵻɐ ;:,.!?—…\"“”()";
        for (String line : Files.readAllLines(EnglishG2pGoldenTest.GOLDEN.resolve("sentences.txt")))
            for (char c : US.phonemize(line).toCharArray()) assertTrue(allowed.indexOf(c) >= 0, "'" + c + "' in the phonemes of: " + line);
    }

    /** A small lexicon (a voice model's own) lacks what misaki's special cases read: they fall back to plain lookups. */
    @Test
    void aSmallLexiconWithoutTheSpecialWordsStillSpeaks(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("us_gold.json"), "{\"hello\": \"həlˈO\", \"A\": \"ˈA\", \"M\": \"ˈɛm\"}");
        Files.writeString(dir.resolve("us_silver.json"), "{}");
        EnglishG2p small = EnglishG2p.load(dir, false);
        // "am" spelled from its letters, "I" by its special case, the words it cannot spell left out
        assertEquals("həlˈO, ˌAˈɛm ˌI   ?", small.phonemize("Hello, am I used to it?"));
    }

    @Test
    void aMissingOrMalformedLexiconIsAClearError(@TempDir Path dir) throws Exception {
        FormatException missing = assertThrows(FormatException.class, () -> EnglishG2p.load(dir, false));
        assertTrue(missing.getMessage().contains("us_gold.json is missing"), missing.getMessage());
        Files.writeString(dir.resolve("us_gold.json"), "{\"hello\": 5}");
        Files.writeString(dir.resolve("us_silver.json"), "{}");
        FormatException malformed = assertThrows(FormatException.class, () -> EnglishG2p.load(dir, false));
        assertTrue(malformed.getMessage().contains("\"hello\""), malformed.getMessage());
        Files.writeString(dir.resolve("us_gold.json"), "{\"read\": {\"VERB\": \"ɹˈid\"}}");
        assertThrows(FormatException.class, () -> EnglishG2p.load(dir, false), "an entry by part of speech needs its DEFAULT");
    }
}
