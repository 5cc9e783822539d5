package dev.muse.models.gemma3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.muse.engine.GgmlType;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.models.GoldenContinuations;
import dev.muse.models.SequenceState;
import dev.muse.models.Decoder;
import dev.muse.models.Decoder.Step;
import dev.muse.models.Models;
import dev.muse.testkit.DequantizedTwin;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import dev.muse.testkit.TokenizerVectors;
import dev.muse.text.Tokenizer;
import dev.muse.text.Vocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Gemma 3 against golden outputs of a newer llama.cpp (see resources/golden/gemma3-llama.cpp.txt for how they
 * were made) on the tiny GEMMA3 model: 7 layers (one global), a sliding window of 16, prompts of 40 tokens.
 * <ul>
 *   <li>greedy continuations of token prompts, F32 / Q8_0 / Q4_K (the quantized ones against llama.cpp on
 *       their {@link DequantizedTwin}, as in Qwen3GoldenTest);</li>
 *   <li>vector rows: tokens, then 12 vectors in place of token embeddings (unscaled, as encoded images are),
 *       then tokens; once causal and once bidirectional (llama.cpp: llama_set_causal_attn(ctx, false) around
 *       the vector batch, which is what mtmd does for Gemma 3 images);</li>
 *   <li>tokenization: Muse's ids for a multilingual text equal llama.cpp's, and Muse's ids for the Gemma
 *       tokenizer test vectors equal the original tokenizer's.</li>
 * </ul>
 * Each golden names the sha256 of the file llama.cpp ran, so a changed writer fails as "stale golden".
 */
class Gemma3GoldenTest {
    static final String GOLDEN = "/golden/gemma3-llama.cpp.txt";
    static final long SEED = 20260101;
    private static Path dir;

    static synchronized Path modelFile(GgmlType type) throws IOException {
        if (dir == null) dir = Files.createTempDirectory("muse-gemma3-golden-");
        TinyModel tiny = new TinyModel(TinyFamily.GEMMA3, type, SEED);
        Path file = dir.resolve(tiny.name() + ".gguf");
        return Files.exists(file) ? file : tiny.write(file);
    }

    @AfterAll
    static void deleteFiles() throws IOException {
        if (dir == null) return;
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) Files.delete(f);
        }
        Files.delete(dir);
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "Q8_0", "Q4_K"})
    void greedyContinuationMatchesNewerLlamaCpp(GgmlType type) throws Exception {
        List<String> lines = GoldenContinuations.lines(GOLDEN);
        int[] prompt = GoldenContinuations.ids(GoldenContinuations.fields(lines, "prompt"), 0);
        String[] fields = GoldenContinuations.fields(lines, type.name());
        int[] expected = GoldenContinuations.ids(fields, 2);
        Path file = modelFile(type);
        Path ran = type == GgmlType.F32 ? file : DequantizedTwin.write(file, file.resolveSibling(file.getFileName() + "-twin-f32.gguf"));
        assertEquals(fields[0], GoldenContinuations.sha256(ran), type + ": stale golden: the file llama.cpp ran is no longer what TinyModel"
                + (type == GgmlType.F32 ? "" : " and DequantizedTwin") + " write; regenerate " + GOLDEN);
        if (ran != file) Files.delete(ran);

        try (GgufFile gguf = GgufFile.open(file)) {
            Decoder model = Models.decoder(gguf);
            assertEquals("gemma3", model.architecture());
            GoldenContinuations.assertSameTokens("gemma3 " + type, expected, GoldenContinuations.greedy(model, prompt, expected.length),
                    gguf.metadata().getStrings("tokenizer.ggml.tokens"));
        }
    }

    @ParameterizedTest(name = "bidirectional {0}")
    @ValueSource(booleans = {false, true})
    void vectorRowsMatchNewerLlamaCpp(boolean bidirectional) throws Exception {
        List<String> lines = GoldenContinuations.lines(GOLDEN);
        String[] spec = GoldenContinuations.fields(lines, "vectors");
        int rows = Integer.parseInt(spec[0]);
        float[] vectors = vectors(rows, Long.parseLong(spec[1]), Float.parseFloat(spec[2]));
        int[] before = GoldenContinuations.ids(GoldenContinuations.fields(lines, "before"), 0);
        int[] after = GoldenContinuations.ids(GoldenContinuations.fields(lines, "after"), 0);
        int[] expected = GoldenContinuations.ids(GoldenContinuations.fields(lines, bidirectional ? "bidirectional" : "causal"), 1);
        assertFalse(Arrays.equals(expected, GoldenContinuations.ids(GoldenContinuations.fields(lines, bidirectional ? "causal" : "bidirectional"), 1)),
                "the golden continuations after causal and bidirectional vector rows must differ, or this test could not tell them apart");

        try (GgufFile gguf = GgufFile.open(modelFile(GgmlType.F32))) {
            Decoder model = Models.decoder(gguf);
            SequenceState cache = model.newState(model.contextLength());
            model.forward(cache, before);
            model.forward(List.of(Step.ofVectors(cache, vectors, rows, bidirectional)));
            float[] logits = model.forward(cache, after);
            GoldenContinuations.assertSameTokens("gemma3 vectors " + (bidirectional ? "bidirectional" : "causal"), expected,
                    GoldenContinuations.greedy(model, cache, logits, expected.length), gguf.metadata().getStrings("tokenizer.ggml.tokens"));
        }
    }

    @Test
    void tokenizesLikeLlamaCppAndTheOriginalTokenizer() throws Exception {
        List<String> lines = GoldenContinuations.lines(GOLDEN);
        try (GgufFile gguf = GgufFile.open(modelFile(GgmlType.F32))) {
            assertEquals("llama", gguf.metadata().getString("tokenizer.ggml.model", null), "Gemma 3's converter writes a SentencePiece vocabulary");
            Tokenizer tokenizer = Tokenizer.of(Vocabulary.fromMetadata(gguf.metadata()));
            assertEquals(Arrays.toString(GoldenContinuations.ids(GoldenContinuations.fields(lines, "multilingual"), 0)),
                    Arrays.toString(tokenizer.encode(TokenizerVectors.MULTILINGUAL, false, true)), "llama.cpp's ids for the multilingual text");
            TokenizerVectors vectors = TokenizerVectors.forVocabulary(TinyFamily.GEMMA3.vocab);
            for (int i = 0; i < vectors.texts().size(); i++)
                assertEquals(Arrays.toString(vectors.expected().get(i)), Arrays.toString(tokenizer.encode(vectors.texts().get(i), false, true)),
                        "test vector " + i + ": " + TokenizerVectors.quote(vectors.texts().get(i)));
            assertEquals(255999, tokenizer.encode("<start_of_image>", false, true)[0]);
            assertEquals(256000, tokenizer.encode("<end_of_image>", false, true)[0]);
        }
    }

    /** The vectors fed in place of token embeddings: rows x 256 values std * N(0, 1) in the order llama.cpp read them. */
    static float[] vectors(int rows, long seed, float std) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[rows * TinyFamily.GEMMA3.shape.embedding()];
        for (int i = 0; i < v.length; i++) v[i] = (float) (std * random.nextGaussian());
        return v;
    }
}
