package dev.muse.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.engine.GgmlType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The harness itself: llama.cpp loads a tiny model and generates 32 greedy tokens (every family x type is
 * loaded and compared token by token in the models module's LlamaCppGoldenTest, so one case suffices here),
 * and the vocabularies tokenize llama.cpp's own tokenizer test
 * vectors to the ids the original Hugging Face tokenizers give (which checks the tokenizer.json conversion).
 */
class TinyModelLlamaCppTest {
    @TempDir Path dir;

    @Test
    void llamaCppLoadsAndGenerates() throws Exception {
        TinyFamily family = TinyFamily.LLAMA3;
        TinyModel tiny = new TinyModel(family, GgmlType.Q4_K, 7);
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
