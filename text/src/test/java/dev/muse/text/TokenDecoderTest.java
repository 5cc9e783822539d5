package dev.muse.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Streaming decode never shows half a character. */
class TokenDecoderTest {

    @Test
    void emojiSplitOverByteFallbackTokensComesOutWhole() {
        Tokenizer spm = Vocabularies.gguf("llama-spm");
        int[] ids = spm.encode("😁", false);
        // "▁" then four <0xNN> byte pieces: F0 9F 98 81.
        assertEquals(5, ids.length);
        TokenDecoder decoder = new TokenDecoder(spm);
        List<String> chunks = new ArrayList<>();
        for (int id : ids) {
            chunks.add(decoder.next(id));
        }
        assertEquals(List.of(" ", "", "", "", "😁"), chunks);
        assertFalse(decoder.hasPending());
    }

    @Test
    void flushGivesReplacementForAnUnfinishedCharacter() {
        Tokenizer spm = Vocabularies.gguf("llama-spm");
        int[] ids = spm.encode("😁", false);
        TokenDecoder decoder = new TokenDecoder(spm);
        assertEquals(" ", decoder.next(ids[0]));
        assertEquals("", decoder.next(ids[1]));
        assertTrue(decoder.hasPending());
        assertEquals("\uFFFD", decoder.flush());
        assertFalse(decoder.hasPending());
    }

    @Test
    void stripsTheSpacePrefixOnlyWhenAsked() {
        Tokenizer spm = Vocabularies.gguf("llama-spm");
        int[] ids = spm.encode("Hello world", true);
        assertEquals("<s>Hello world", stream(new TokenDecoder(spm, true), ids));
        assertEquals("<s> Hello world", stream(new TokenDecoder(spm), ids));
        int[] noBos = spm.encode("Hello world", false);
        assertEquals("Hello world", stream(new TokenDecoder(spm, true), noBos));
        // Byte-level vocabularies have no space prefix to strip.
        Tokenizer llama3 = Vocabularies.llama3();
        assertEquals(" Hi", stream(new TokenDecoder(llama3, true), llama3.encode(" Hi", false)));
    }

    @Test
    void repliesShowNoControlTokens() {
        Tokenizer spm = Vocabularies.gguf("llama-spm");
        int[] ids = spm.encode("Hello world", true);
        int[] withEos = java.util.Arrays.copyOf(ids, ids.length + 1);
        withEos[ids.length] = spm.vocabulary().eosId();
        assertEquals(" Hello world", stream(TokenDecoder.forReplies(spm), withEos));
    }

    @TestFactory
    Stream<DynamicTest> streamedTextEqualsDecodedText() {
        List<Supplier<Tokenizer>> tokenizers = List.of(() -> Vocabularies.gguf("llama-spm"),
                () -> Vocabularies.gguf("gpt-2"), Vocabularies::llama3, Vocabularies::qwen3, Vocabularies::mistral);
        return tokenizers.stream().flatMap(tokenizer -> Corpus.TEXTS.stream().map(text ->
                DynamicTest.dynamicTest(new TestData.Vector(text, null).toString(), () -> {
                    Tokenizer t = tokenizer.get();
                    int[] ids = t.encode(text, false);
                    TokenDecoder decoder = new TokenDecoder(t);
                    StringBuilder streamed = new StringBuilder();
                    for (int id : ids) {
                        String chunk = decoder.next(id);
                        assertFalse(chunk.contains("\uFFFD"), () -> "half a character in " + chunk);
                        streamed.append(chunk);
                    }
                    streamed.append(decoder.flush());
                    assertEquals(t.decode(ids), streamed.toString());
                })));
    }

    private static String stream(TokenDecoder decoder, int[] ids) {
        StringBuilder out = new StringBuilder();
        for (int id : ids) {
            out.append(decoder.next(id));
        }
        return out.append(decoder.flush()).toString();
    }
}
