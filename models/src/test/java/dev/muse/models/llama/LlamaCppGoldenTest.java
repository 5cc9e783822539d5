package dev.muse.models.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.muse.engine.GgmlType;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.models.GoldenContinuations;
import dev.muse.models.Models;
import dev.muse.testkit.DequantizedTwin;
import dev.muse.testkit.LlamaCpp;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import dev.muse.testkit.TokenizerVectors;
import dev.muse.text.Tokenizer;
import dev.muse.text.Vocabulary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Muse against llama.cpp (b4916, forked JVM) on tiny random-weight models. Muse generates {@link #TOKENS}
 * greedy tokens after a fixed prompt; llama.cpp gives its greedy choice at each of those positions for the
 * same prefix (teacher forcing on Muse's tokens), so agreement everywhere means identical greedy
 * continuations, and a disagreement is reported with its position, both tokens and both engines' gaps.
 *
 * <p>llama.cpp multiplies F16, BF16 and quantized weights with activations rounded to that type or to
 * 8 bits (Q8_0 / Q8_1 / Q8_K); Muse keeps activations in float, except for Q4_0, whose products round them to
 * Q8_0 as llama.cpp does (the integer kernels that make Q4_0 generation fast need them so). The logits then differ
 * by about 1% of their spread, enough to flip greedy choices whose top two logits are that close. So the checks are:
 * <ul>
 *   <li>exact, on every family: F32 files (no rounding on either side);</li>
 *   <li>exact, every type but Q4_0: Muse on the quantized file against llama.cpp on its F32 {@link DequantizedTwin}
 *       (Muse's quantized kernels against llama.cpp's float arithmetic on the same values); Q4_0, whose
 *       activations Muse rounds, within the near-tie rule below;</li>
 *   <li>exact, every type: a model whose only non-F32 tensor is token_embd, which llama.cpp dequantizes
 *       exactly (Muse's dequantization against ggml's);</li>
 *   <li>every family x type on the same file: identical except at near-ties, each of which must have
 *       Muse's gap plus llama.cpp's gap (between their two choices) within {@link #nearTie}, and at most
 *       {@link #MAX_NEAR_TIES} of them; and Muse's tokenizer must give llama.cpp's ids for a multilingual /
 *       emoji / code text and llama.cpp's tokenizer test vectors (no BOS/EOS, control-token text parsed).</li>
 * </ul>
 *
 * <p>Cases run two at a time: most of each is a forked llama.cpp JVM starting, loading and answering, which leaves a
 * core to the other case (78 cases: 210 s one at a time on this project's two-core machine).
 */
@Execution(ExecutionMode.CONCURRENT)
class LlamaCppGoldenTest {
    static final int TOKENS = 32;
    static final long SEED = 20260101;
    static final int MAX_NEAR_TIES = 8;
    static final GgmlType[] TYPES = {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0,
            GgmlType.Q4_1, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K};
    static final Duration TIMEOUT = Duration.ofMinutes(3);

    @TempDir Path dir;

    /** Largest Muse gap + llama.cpp gap tolerated where the two choose differently on a file of this type. */
    static double nearTie(GgmlType type) {
        return switch (type) {
            case F32 -> 0;          // no rounding of activations anywhere: must be identical
            case F16 -> 0.02;       // activations rounded to 11 significant bits
            case BF16 -> 0.05;      // 8 significant bits
            default -> 0.25;        // 8-bit integer activations per block of 32 or 256
        };
    }

    static Stream<Arguments> familiesAndTypes() {
        List<Arguments> all = new ArrayList<>();
        for (TinyFamily family : TinyFamily.values()) {
            if (family == TinyFamily.QWEN3) continue; // llama.cpp b4916 predates Qwen3: see Qwen3GoldenTest
            if (family == TinyFamily.SMOLVLM) continue; // SMOLLM2's decoder with image tokens added: runtime's vision goldens cover it
            if (family == TinyFamily.GEMMA3) continue; // not a Llama-family model: see models/gemma3/Gemma3GoldenTest
            for (GgmlType type : TYPES) all.add(Arguments.of(family, type));
        }
        return all.stream();
    }

    static Stream<Arguments> twinCases() {
        List<Arguments> all = new ArrayList<>();
        for (TinyFamily family : new TinyFamily[] {TinyFamily.LLAMA2, TinyFamily.SMOLLM2}) // untied and tied output
            for (GgmlType type : TYPES) if (type != GgmlType.F32) all.add(Arguments.of(family, type));
        return all.stream();
    }

    static Stream<GgmlType> nonF32Types() {
        return Arrays.stream(TYPES).filter(t -> t != GgmlType.F32);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("familiesAndTypes")
    void sameFileAsLlamaCpp(TinyFamily family, GgmlType type) throws Exception {
        TinyModel tiny = new TinyModel(family, type, SEED);
        Path file = tiny.write(dir.resolve(tiny.name() + ".gguf"));
        List<String> texts = new ArrayList<>(TokenizerVectors.forVocabulary(family.vocab).texts());
        texts.addFirst(TokenizerVectors.MULTILINGUAL);
        Comparison c = compare(tiny, file, file, texts);
        for (int i = 0; i < texts.size(); i++) {
            assertEquals(Arrays.toString(c.llamaTokens.get(i)), Arrays.toString(c.museTokens.get(i)),
                    tiny.name() + ": tokenization of " + TokenizerVectors.quote(texts.get(i)));
        }
        c.assertAgrees(nearTie(type), type == GgmlType.F32 ? 0 : MAX_NEAR_TIES);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("twinCases")
    void quantizedKernelsMatchLlamaCppOnTheDequantizedTwin(TinyFamily family, GgmlType type) throws Exception {
        TinyModel tiny = new TinyModel(family, type, SEED);
        Path file = tiny.write(dir.resolve(tiny.name() + ".gguf"));
        Path twin = DequantizedTwin.write(file, dir.resolve(tiny.name() + "-twin-f32.gguf"));
        boolean roundsActivations = type == GgmlType.Q4_0;
        compare(tiny, file, twin, List.of()).assertAgrees(roundsActivations ? nearTie(type) : 0, roundsActivations ? MAX_NEAR_TIES : 0);
    }

    @ParameterizedTest
    @MethodSource("nonF32Types")
    void embeddingRowsDequantizeLikeLlamaCpp(GgmlType type) throws Exception {
        TinyModel tiny = new TinyModel(TinyFamily.LLAMA2, GgmlType.F32, SEED).withEmbeddingType(type);
        Path file = tiny.write(dir.resolve(tiny.name() + ".gguf"));
        compare(tiny, file, file, List.of()).assertAgrees(0, 0);
    }

    /**
     * Muse greedy on museFile, llama.cpp's teacher-forced choices on llamaFile (the same model, or its
     * twin), both tokenizations of the texts, and llama.cpp's gaps wherever the choices differ.
     */
    Comparison compare(TinyModel tiny, Path museFile, Path llamaFile, List<String> texts) throws Exception {
        int[] prompt = prompt(tiny.family());
        GoldenContinuations.Run muse;
        String[] pieces;
        List<int[]> museTokens = new ArrayList<>();
        try (GgufFile gguf = GgufFile.open(museFile)) {
            pieces = gguf.metadata().getStrings("tokenizer.ggml.tokens");
            Tokenizer tokenizer = Tokenizer.of(Vocabulary.fromMetadata(gguf.metadata()));
            for (String text : texts) museTokens.add(tokenizer.encode(text, false, true));
            muse = GoldenContinuations.greedy(Models.decoder(gguf), prompt, TOKENS);
        }
        LlamaCpp llama = new LlamaCpp(tiny, llamaFile);
        int forced = llama.force(prompt, muse.tokens());
        int[] tokenized = texts.stream().mapToInt(llama::tokenize).toArray();
        LlamaCpp.Results results = llama.run(TIMEOUT);
        List<int[]> llamaTokens = Arrays.stream(tokenized).mapToObj(results::ids).toList();
        LlamaCpp.Forced reference = results.forced(forced);
        assertEquals(TOKENS, reference.ids().length, "llama.cpp answered for every position");

        List<Difference> differences = new ArrayList<>();
        for (int k = 0; k < TOKENS; k++) {
            int ours = muse.tokens()[k], theirs = reference.ids()[k];
            if (theirs == ours) continue;
            float[] logits = muse.logits().get(k);
            differences.add(new Difference(k, ours, theirs, logits[ours] - logits[theirs], reference.gaps()[k]));
        }
        return new Comparison(tiny.name() + (museFile.equals(llamaFile) ? "" : " (llama.cpp on the F32 twin)"), prompt, muse.tokens(),
                pieces, differences, museTokens, llamaTokens);
    }

    /** At generated token k (prompt.length + k in the sequence) Muse chose ours and llama.cpp theirs. */
    record Difference(int k, int ours, int theirs, double museGap, double llamaGap) {}

    record Comparison(String name, int[] prompt, int[] continuation, String[] pieces, List<Difference> differences,
                      List<int[]> museTokens, List<int[]> llamaTokens) {
        /** Fails unless every difference is a near-tie within tolerance and there are at most maxDifferences. */
        void assertAgrees(double tolerance, int maxDifferences) {
            boolean ok = differences.size() <= maxDifferences
                    && differences.stream().allMatch(d -> d.museGap + d.llamaGap <= tolerance);
            // the record of near-ties goes to the test's output file, so their size stays visible on success
            System.out.printf("%s: %d of %d greedy choices differ%s%n", name, differences.size(), TOKENS, differences.stream()
                    .map(d -> String.format(" [token %d: Muse gap %.4f + llama.cpp gap %.4f]", d.k, d.museGap, d.llamaGap)).reduce("", String::concat));
            if (ok) return;
            StringBuilder sb = new StringBuilder(name + ": greedy choices differ at " + differences.size() + " of " + TOKENS
                    + " generated tokens (at most " + maxDifferences + " near-ties with Muse gap + llama.cpp gap <= " + tolerance + " allowed)");
            for (Difference d : differences) {
                sb.append(String.format("%n  token %d (position %d): Muse %d %s, llama.cpp %d %s; Muse's gap %.6f, llama.cpp's gap %.6f",
                        d.k, prompt.length + d.k, d.ours, GoldenContinuations.quote(pieces[d.ours]), d.theirs, GoldenContinuations.quote(pieces[d.theirs]), d.museGap, d.llamaGap));
            }
            sb.append("\n  prompt ").append(Arrays.toString(prompt)).append(", Muse's continuation ").append(Arrays.toString(continuation));
            fail(sb.toString());
        }
    }

    /**
     * A fixed prompt of token ids, so that no tokenizer is involved: BOS when the vocabulary has one and
     * llama.cpp would add it (SentencePiece, Llama 3; not Qwen nor SmolLM's GPT-2 vocabulary), then seven
     * ordinary tokens spread over the vocabulary.
     */
    static int[] prompt(TinyFamily family) {
        int[] words = {300, 4399, 8498, 12597, 16696, 20795, 24894};
        int bos = switch (family.vocab) {
            case LLAMA_SPM -> 1;
            case LLAMA3 -> 128000;
            case GEMMA3 -> 2;
            case GPT2_SMOLLM, GPT2_SMOLVLM, QWEN -> -1;
        };
        if (bos < 0) return words;
        int[] prompt = new int[words.length + 1];
        prompt[0] = bos;
        System.arraycopy(words, 0, prompt, 1, words.length);
        return prompt;
    }
}
