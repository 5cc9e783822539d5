package dev.muse.models.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.muse.engine.GgmlType;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.models.KvCache;
import dev.muse.models.LanguageModel;
import dev.muse.models.Models;
import dev.muse.testkit.LlamaCpp;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import dev.muse.testkit.TokenizerVectors;
import dev.muse.text.Sampler;
import dev.muse.text.Tokenizer;
import dev.muse.text.Vocabulary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Muse against llama.cpp (b4916, forked JVM) on tiny random-weight models of every family llama.cpp
 * b4916 knows, in every weight type: Muse generates {@link #TOKENS} greedy tokens after a fixed prompt,
 * and llama.cpp must make the same greedy choice at every one of those positions given the same prefix
 * (teacher forcing on Muse's tokens). Agreement at every position means the two greedy continuations are
 * identical; a disagreement is reported with its position, both tokens and both engines' logit gaps.
 * In the same llama.cpp run, Muse's tokenizer must give llama.cpp's ids for a multilingual / emoji / code
 * text and for llama.cpp's tokenizer test vectors of the model's vocabulary (no BOS/EOS added, control-token
 * text parsed as control tokens on both sides).
 */
class LlamaCppGoldenTest {
    static final int TOKENS = 32;
    static final long SEED = 20260101;
    static final GgmlType[] TYPES = {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0,
            GgmlType.Q4_1, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K};

    @TempDir Path dir;

    static Stream<Arguments> models() {
        List<Arguments> all = new ArrayList<>();
        for (TinyFamily family : TinyFamily.values()) {
            if (family == TinyFamily.QWEN3) continue; // llama.cpp b4916 predates Qwen3: see Qwen3GoldenTest
            for (GgmlType type : TYPES) all.add(Arguments.of(family, type));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("models")
    void greedyContinuationMatchesLlamaCpp(TinyFamily family, GgmlType type) throws Exception {
        TinyModel tiny = new TinyModel(family, type, SEED);
        Path file = tiny.write(dir.resolve(tiny.name() + ".gguf"));
        int[] prompt = prompt(family);
        List<String> texts = new ArrayList<>(TokenizerVectors.forVocabulary(family.vocab).texts());
        texts.addFirst(TokenizerVectors.MULTILINGUAL);
        MuseRun muse;
        String[] pieces;
        Tokenizer tokenizer;
        try (GgufFile gguf = GgufFile.open(file)) {
            pieces = gguf.metadata().getStrings("tokenizer.ggml.tokens");
            tokenizer = Tokenizer.of(Vocabulary.fromMetadata(gguf.metadata()));
            muse = greedy(Models.load(gguf), prompt, TOKENS);
        }
        LlamaCpp llama = new LlamaCpp(tiny, file);
        int forced = llama.force(prompt, muse.tokens);
        int[] tokenized = texts.stream().mapToInt(llama::tokenize).toArray();
        LlamaCpp.Results results = llama.run(Duration.ofMinutes(3));
        for (int i = 0; i < texts.size(); i++) {
            assertEquals(Arrays.toString(results.ids(tokenized[i])), Arrays.toString(tokenizer.encode(texts.get(i), false, true)),
                    tiny.name() + ": tokenization of " + TokenizerVectors.quote(texts.get(i)));
        }
        int[] reference = results.ids(forced);
        assertEquals(TOKENS, reference.length, "llama.cpp answered for every position");

        List<Integer> differing = new ArrayList<>();
        for (int i = 0; i < TOKENS; i++) if (reference[i] != muse.tokens[i]) differing.add(i);
        if (differing.isEmpty()) return;

        int k = differing.getFirst(), ours = muse.tokens[k], theirs = reference[k];
        int[] prefix = Arrays.copyOf(prompt, prompt.length + k);
        System.arraycopy(muse.tokens, 0, prefix, prompt.length, k);
        LlamaCpp diagnose = new LlamaCpp(tiny, file);
        int gap = diagnose.gap(prefix, theirs, ours);
        double llamaGap = diagnose.run(Duration.ofMinutes(3)).gap(gap);
        float[] logits = muse.logits.get(k);
        fail(String.format("%s: greedy token %d of %d (position %d) differs: Muse chose %d %s, llama.cpp chose %d %s."
                        + " Muse's logits: %.6f vs %.6f (gap %.6f); llama.cpp's gap in favour of its choice: %.6f."
                        + " Generated tokens that differ when both see Muse's prefix: %s of %d. Muse's continuation: %s",
                tiny.name(), k, TOKENS, prompt.length + k, ours, quote(pieces[ours]), theirs, quote(pieces[theirs]),
                logits[ours], logits[theirs], logits[ours] - logits[theirs], llamaGap, differing, TOKENS, Arrays.toString(muse.tokens)));
    }

    /**
     * A fixed prompt of token ids, so that no tokenizer is involved: BOS when the vocabulary has one and
     * llama.cpp would add it (SentencePiece, Llama 3, not Qwen, not SmolLM's GPT-2 vocabulary), then seven
     * ordinary tokens spread over the vocabulary.
     */
    static int[] prompt(TinyFamily family) {
        int[] words = {300, 4399, 8498, 12597, 16696, 20795, 24894};
        int bos = switch (family.vocab) {
            case LLAMA_SPM -> 1;
            case LLAMA3 -> 128000;
            case GPT2_SMOLLM, QWEN -> -1;
        };
        if (bos < 0) return words;
        int[] prompt = new int[words.length + 1];
        prompt[0] = bos;
        System.arraycopy(words, 0, prompt, 1, words.length);
        return prompt;
    }

    record MuseRun(int[] tokens, List<float[]> logits) {}

    /** Greedy decoding: the prompt as one batch, then one token at a time; keeps every step's logits. */
    static MuseRun greedy(LanguageModel model, int[] prompt, int n) {
        KvCache cache = model.newCache(prompt.length + n);
        List<float[]> steps = new ArrayList<>();
        int[] tokens = new int[n];
        float[] logits = model.forward(cache, prompt);
        for (int i = 0; i < n; i++) {
            steps.add(logits);
            tokens[i] = Sampler.argmax(logits);
            if (i + 1 < n) logits = model.forward(cache, new int[] {tokens[i]});
        }
        return new MuseRun(tokens, steps);
    }

    static String quote(String piece) {
        StringBuilder sb = new StringBuilder("'");
        piece.codePoints().forEach(c -> sb.append(c >= 0x20 && c < 0x7f ? Character.toString(c) : String.format("\\u%04x", c)));
        return sb.append('\'').toString();
    }
}
