package dev.muse.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.engine.GgmlType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tiny models are valid for llama.cpp: every family it knows (b4916 predates Qwen3) in every weight
 * type loads and generates 32 greedy tokens, and the vocabularies tokenize llama.cpp's own tokenizer test
 * vectors to the ids the original Hugging Face tokenizers give (which checks the tokenizer.json conversion).
 */
class TinyModelLlamaCppTest {
    static final GgmlType[] TYPES = {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0,
            GgmlType.Q4_1, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K};

    @TempDir Path dir;

    static Stream<Arguments> models() {
        List<Arguments> all = new ArrayList<>();
        for (TinyFamily family : TinyFamily.values()) {
            if (family == TinyFamily.QWEN3) continue;
            for (GgmlType type : TYPES) all.add(Arguments.of(family, type));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("models")
    void llamaCppLoadsAndGenerates(TinyFamily family, GgmlType type) throws Exception {
        TinyModel tiny = new TinyModel(family, type, 7);
        Path file = tiny.write(dir.resolve(tiny.name() + ".gguf"));
        LlamaCpp llama = new LlamaCpp(tiny, file);
        int generated = llama.generate(new int[] {300, 4399, 8498}, 32);
        int[] ids = llama.run(Duration.ofMinutes(3)).ids(generated);
        assertEquals(32, ids.length, Arrays.toString(ids));
        for (int id : ids) assertTrue(id >= 0 && id < family.vocab.size(), "token id " + id + " outside the vocabulary");
    }

    @ParameterizedTest
    @EnumSource(TinyVocab.class)
    void tokenizesLikeTheOriginalTokenizers(TinyVocab vocab) throws Exception {
        TinyFamily family = Arrays.stream(TinyFamily.values()).filter(f -> f.vocab == vocab).findFirst().orElseThrow();
        TinyModel tiny = new TinyModel(family, GgmlType.F32, 7, 1);
        Path file = tiny.write(dir.resolve(tiny.name() + ".gguf"));
        TokenizerVectors vectors = TokenizerVectors.forVocabulary(vocab);
        LlamaCpp llama = new LlamaCpp(tiny, file);
        int[] requests = vectors.texts().stream().mapToInt(llama::tokenize).toArray();
        int multilingual = llama.tokenize(TokenizerVectors.MULTILINGUAL);
        LlamaCpp.Results results = llama.run(Duration.ofMinutes(3));
        for (int i = 0; i < requests.length; i++) {
            assertEquals(Arrays.toString(vectors.expected().get(i)), Arrays.toString(results.ids(requests[i])),
                    vocab + " test vector " + i + ": " + TokenizerVectors.quote(vectors.texts().get(i)));
        }
        assertTrue(results.ids(multilingual).length > 20, "the multilingual text tokenizes");
    }
}
