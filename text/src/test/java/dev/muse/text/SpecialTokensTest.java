package dev.muse.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Special tokens in text, BOS/EOS, and end-of-generation detection. */
class SpecialTokensTest {

    private static final int LLAMA3_BOS = 128000;
    private static final int LLAMA3_EOS = 128001;
    private static final int LLAMA3_START_HEADER = 128006;
    private static final int LLAMA3_END_HEADER = 128007;
    private static final int LLAMA3_EOT = 128009;

    @Test
    void splitterTriesLongerTokensFirstAndAlwaysCutsUserDefinedOnes() {
        Vocabulary vocabulary = new Vocabulary("gpt2", "gpt-2", new String[] {"x", "<s>", "<s><s>", "<u>"},
                null, new int[] {1, 3, 3, 4}, new String[0], -1, -1, -1, -1, false, false, false);
        SpecialTokenSplitter splitter = new SpecialTokenSplitter(vocabulary);
        String text = "a<s><s><s>b<u>";
        assertEquals(List.of(new SpecialTokenSplitter.Fragment(-1, 0, 1), new SpecialTokenSplitter.Fragment(2, 1, 7),
                new SpecialTokenSplitter.Fragment(1, 7, 10), new SpecialTokenSplitter.Fragment(-1, 10, 11),
                new SpecialTokenSplitter.Fragment(3, 11, 14)), splitter.split(text, true));
        assertEquals(List.of(new SpecialTokenSplitter.Fragment(-1, 0, 11), new SpecialTokenSplitter.Fragment(3, 11, 14)),
                splitter.split(text, false));
        assertEquals(List.of(), splitter.split("", true));
    }

    @Test
    void llama3ChatHeaderParsesOnlyWhenAsked() {
        Tokenizer llama3 = Vocabularies.llama3();
        String text = "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>";
        int[] expected = concat(new int[] {LLAMA3_START_HEADER}, llama3.encode("user", false),
                new int[] {LLAMA3_END_HEADER}, llama3.encode("\n\nHi", false), new int[] {LLAMA3_EOT});
        assertArrayEquals(expected, llama3.encode(text, false, true));

        int[] plain = llama3.encode(text, false, false);
        assertTrue(Arrays.stream(plain).allMatch(id -> id < LLAMA3_BOS), Arrays.toString(plain));
        assertEquals(text, llama3.decode(plain));
        assertEquals(text, llama3.decode(llama3.encode(text, false, true)));
    }

    @Test
    void llama3AddsBosOnly() {
        Tokenizer llama3 = Vocabularies.llama3();
        int[] ids = llama3.encode("Hello", true);
        assertEquals(LLAMA3_BOS, ids[0]);
        assertArrayEquals(llama3.encode("Hello", false), Arrays.copyOfRange(ids, 1, ids.length));
        assertArrayEquals(new int[] {LLAMA3_BOS}, llama3.encode("", true));
    }

    @Test
    void qwen3CutsUserDefinedThinkTagsEvenWithoutParsing() {
        Tokenizer qwen = Vocabularies.qwen3();
        int think = id(qwen, "<think>");
        assertEquals(TokenType.USER_DEFINED, qwen.vocabulary().tokenType(think));
        int[] ids = qwen.encode("<think>\nok", false, false);
        assertEquals(think, ids[0]);
        int imStart = id(qwen, "<|im_start|>");
        assertFalse(Arrays.stream(qwen.encode("<|im_start|>user", false, false)).anyMatch(i -> i == imStart));
        assertEquals(imStart, qwen.encode("<|im_start|>user", false, true)[0]);
        assertArrayEquals(new int[0], qwen.encode("", true), "Qwen adds no BOS");
    }

    @Test
    void sentencePiecePrefixesTextAfterSpecialTokensWithASpace() {
        Tokenizer spm = Vocabularies.gguf("llama-spm");
        int[] hello = spm.encode("Hello", false);
        assertEquals("▁Hello", spm.vocabulary().token(hello[0]));
        assertArrayEquals(concat(new int[] {1}, hello, new int[] {2}), spm.encode("<s>Hello</s>", false, true));
        assertArrayEquals(concat(new int[] {1}, hello), spm.encode("Hello", true), "BOS, no EOS");
        assertArrayEquals(new int[0], spm.encode("", false));
        assertArrayEquals(new int[] {1}, spm.encode("", true));
    }

    @Test
    void endOfGenerationCoversEosAndTurnEnds() {
        Tokenizer llama3 = Vocabularies.llama3();
        assertTrue(llama3.isEndOfGeneration(LLAMA3_EOT));
        assertTrue(llama3.isEndOfGeneration(LLAMA3_EOS));
        assertFalse(llama3.isEndOfGeneration(LLAMA3_BOS));
        assertFalse(llama3.isEndOfGeneration(llama3.encode("Hi", false)[0]));

        Tokenizer qwen = Vocabularies.qwen3();
        assertTrue(qwen.isEndOfGeneration(id(qwen, "<|im_end|>")));
        assertTrue(qwen.isEndOfGeneration(id(qwen, "<|endoftext|>")));
        assertFalse(qwen.isEndOfGeneration(id(qwen, "<|im_start|>")));

        Tokenizer phi3 = Vocabularies.gguf("phi-3");
        assertTrue(phi3.isEndOfGeneration(id(phi3, "<|end|>")));
        assertTrue(phi3.isEndOfGeneration(phi3.vocabulary().eosId()));

        Tokenizer spm = Vocabularies.gguf("llama-spm");
        assertTrue(spm.isEndOfGeneration(2));
        assertFalse(spm.isEndOfGeneration(1));
        assertFalse(spm.isEndOfGeneration(-1));
    }

    private static int id(Tokenizer tokenizer, String text) {
        String[] tokens = tokenizer.vocabulary().tokens();
        return IntStream.range(0, tokens.length).filter(i -> tokens[i].equals(text)).findFirst().orElseThrow();
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }
}
