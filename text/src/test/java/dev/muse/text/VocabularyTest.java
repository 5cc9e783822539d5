package dev.muse.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading vocabularies from metadata, and refusing what cannot be tokenized. */
class VocabularyTest {

    @Test
    void readsBoxedListsAndLongs() {
        Map<String, Object> metadata = new HashMap<>();
        metadata.put(Vocabulary.MODEL, "llama");
        metadata.put(Vocabulary.TOKENS, List.of("<unk>", "<s>", "</s>", "▁a"));
        metadata.put(Vocabulary.SCORES, List.of(0f, 0f, 0f, -1.5f));
        metadata.put(Vocabulary.TOKEN_TYPE, List.of(2, 3, 3, 1));
        metadata.put(Vocabulary.BOS_TOKEN_ID, 1L);
        metadata.put(Vocabulary.EOS_TOKEN_ID, 2);
        metadata.put(Vocabulary.ADD_BOS_TOKEN, false);
        Vocabulary vocabulary = Vocabulary.of(metadata::get);
        assertEquals(4, vocabulary.size());
        assertEquals("▁a", vocabulary.token(3));
        assertEquals(-1.5f, vocabulary.score(3));
        assertEquals(TokenType.UNKNOWN, vocabulary.tokenType(0));
        assertEquals(1, vocabulary.bosId());
        assertFalse(vocabulary.addBos());
        assertTrue(vocabulary.addSpacePrefix(), "SentencePiece default");
        assertEquals("default", vocabulary.pre());
    }

    @Test
    void absentKeysGetLlamaCppDefaults() {
        Vocabulary spm = Vocabulary.of(Map.<String, Object>of(Vocabulary.MODEL, "llama",
                Vocabulary.TOKENS, new String[] {"<unk>", "<s>", "</s>"})::get);
        assertEquals(List.of(1, 2, 0, -1), List.of(spm.bosId(), spm.eosId(), spm.unknownId(), spm.paddingId()));
        assertTrue(spm.addBos());
        assertFalse(spm.addEos());
        assertNull(spm.scores());
        assertEquals(TokenType.NORMAL, spm.tokenType(1), "no types stored");

        Vocabulary llama3 = Vocabulary.of(Map.<String, Object>of(Vocabulary.MODEL, "gpt2", Vocabulary.PRE, "llama-bpe",
                Vocabulary.TOKENS, new String[] {"a"}, Vocabulary.MERGES, new String[0])::get);
        assertEquals(-1, llama3.bosId());
        assertTrue(llama3.addBos(), "Llama 3 pre-tokenizer implies BOS");
        assertFalse(llama3.addSpacePrefix());

        Vocabulary gpt2 = Vocabulary.of(Map.<String, Object>of(Vocabulary.MODEL, "gpt2",
                Vocabulary.TOKENS, new String[] {"a"}, Vocabulary.EOS_TOKEN_ID, 7)::get);
        assertFalse(gpt2.addBos());
        assertEquals(-1, gpt2.eosId(), "an id outside the vocabulary is ignored");
    }

    @Test
    void badMetadataFailsNamingTheKey() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Vocabulary.of(Map.<String, Object>of(Vocabulary.MODEL, "llama")::get));
        assertTrue(missing.getMessage().contains(Vocabulary.TOKENS), missing.getMessage());

        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                () -> Vocabulary.of(Map.<String, Object>of(Vocabulary.MODEL, "llama",
                        Vocabulary.TOKENS, new String[] {"a"}, Vocabulary.ADD_BOS_TOKEN, "yes")::get));
        assertTrue(wrongType.getMessage().contains(Vocabulary.ADD_BOS_TOKEN), wrongType.getMessage());

        IllegalArgumentException lengths = assertThrows(IllegalArgumentException.class,
                () -> Vocabulary.of(Map.<String, Object>of(Vocabulary.MODEL, "llama",
                        Vocabulary.TOKENS, new String[] {"a", "b"}, Vocabulary.SCORES, new float[] {0})::get));
        assertTrue(lengths.getMessage().contains("scores"), lengths.getMessage());
    }

    @Test
    void readsTheGgufReadersMetadata() {
        Vocabulary vocabulary = TestData.ggufVocabulary("llama-spm");
        assertEquals("llama", vocabulary.model());
        assertEquals(32000, vocabulary.size());
        assertEquals(List.of(1, 2, 0), List.of(vocabulary.bosId(), vocabulary.eosId(), vocabulary.unknownId()));
        assertTrue(vocabulary.addSpacePrefix());
        assertEquals(TokenType.BYTE, vocabulary.tokenType(3 + 0x41));
        assertEquals("<0x41>", vocabulary.token(3 + 0x41));

        Vocabulary gpt2 = TestData.ggufVocabulary("gpt-2");
        assertEquals("gpt2", gpt2.model());
        assertEquals("gpt-2", gpt2.pre());
        assertTrue(gpt2.merges().length > 40000);
    }

    @Test
    void tokenizerRefusesWhatItCannotTokenize() {
        IllegalArgumentException bert = assertThrows(IllegalArgumentException.class,
                () -> Tokenizer.of(TestData.ggufVocabulary("bert-bge")));
        assertTrue(bert.getMessage().contains("'bert'"), bert.getMessage());

        Vocabulary unknownPre = new Vocabulary("gpt2", "brand-new", new String[] {"a"}, null, null, new String[0],
                -1, -1, -1, -1, false, false, false);
        assertThrows(IllegalArgumentException.class, () -> Tokenizer.of(unknownPre));

        Vocabulary noMerges = new Vocabulary("gpt2", "gpt-2", new String[] {"a"}, null, null, null,
                -1, -1, -1, -1, false, false, false);
        assertThrows(IllegalArgumentException.class, () -> Tokenizer.of(noMerges));

        Tokenizer spm = Vocabularies.gguf("llama-spm");
        assertThrows(IllegalArgumentException.class, () -> spm.decodeBytes(32000));
        assertThrows(IllegalArgumentException.class, () -> spm.decodeBytes(-1));
    }

    @Test
    void decodesPiecesByType() {
        Tokenizer spm = Vocabularies.gguf("llama-spm");
        assertArrayEquals(new byte[] {0x41}, spm.decodeBytes(3 + 0x41), "<0x41> is one raw byte");
        assertEquals("<s>", new String(spm.decodeBytes(1), java.nio.charset.StandardCharsets.UTF_8));
        int hello = spm.encode("Hello", false)[0];
        assertEquals(" Hello", new String(spm.decodeBytes(hello), java.nio.charset.StandardCharsets.UTF_8));

        Tokenizer gpt2 = Vocabularies.gguf("gpt-2");
        int world = gpt2.encode(" world", false)[0];
        assertEquals("Ġworld", gpt2.vocabulary().token(world));
        assertEquals(" world", new String(gpt2.decodeBytes(world), java.nio.charset.StandardCharsets.UTF_8));
    }
}
