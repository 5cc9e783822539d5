package dev.muse.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * llama.cpp's tokenizer test vectors (expected ids from the original Hugging Face tokenizers), encoded
 * as llama.cpp's test-tokenizer-0 does: no BOS/EOS, special-token text left as text.
 */
class TokenizerVectorsTest {

    @TestFactory
    Stream<DynamicTest> llamaSpmGguf() {
        return cases("llama-spm", () -> Vocabularies.gguf("llama-spm"));
    }

    @TestFactory
    Stream<DynamicTest> phi3Gguf() {
        return cases("phi-3", () -> Vocabularies.gguf("phi-3"));
    }

    @TestFactory
    Stream<DynamicTest> gpt2Gguf() {
        return cases("gpt-2", () -> Vocabularies.gguf("gpt-2"));
    }

    @TestFactory
    Stream<DynamicTest> deepseekCoderGguf() {
        return cases("deepseek-coder", () -> Vocabularies.gguf("deepseek-coder"));
    }

    @TestFactory
    Stream<DynamicTest> llama3TokenizerJson() {
        return cases("llama-bpe", Vocabularies::llama3);
    }

    /** Qwen3 keeps Qwen2's vocabulary and regex (it only adds special tokens), so Qwen2's vectors apply. */
    @TestFactory
    Stream<DynamicTest> qwen3TokenizerJson() {
        return cases("qwen2", Vocabularies::qwen3);
    }

    private static Stream<DynamicTest> cases(String vectors, Supplier<Tokenizer> tokenizer) {
        return TestData.vectors(vectors).stream().map(vector -> DynamicTest.dynamicTest(vector.toString(), () -> {
            Tokenizer t = tokenizer.get();
            int[] actual = t.encode(vector.text(), false);
            assertArrayEquals(vector.expected(), actual, () -> "encoding " + vector + " with " + t.vocabulary()
                    + "\n expected " + Arrays.toString(vector.expected()) + " = " + pieces(t, vector.expected())
                    + "\n   actual " + Arrays.toString(actual) + " = " + pieces(t, actual));
        }));
    }

    private static String pieces(Tokenizer tokenizer, int[] ids) {
        return Arrays.stream(ids).mapToObj(id -> "'" + tokenizer.vocabulary().token(id) + "'").toList().toString();
    }
}
