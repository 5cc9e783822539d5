package dev.muse.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.GgmlType;
import dev.muse.hub.ModelPaths;
import dev.muse.safety.GuardPrompt;
import dev.muse.safety.GuardVerdict;
import dev.muse.safety.Hazard;
import dev.muse.testkit.LlamaCpp;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.text.Tokenizer;
import dev.muse.text.Vocabulary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard pipeline on a random-weight Llama-Guard-shaped model (Llama 3 architecture and its real vocabulary) against
 * llama.cpp: the prompt's tokens are identical, and so are the verdict's tokens greedy decoding writes. (No trained
 * guard model is reachable here: what a random one writes is no verdict, which moderation treats as unsafe.)
 */
class GuardGoldenTest {
    @TempDir Path dir;

    @Test
    void promptTokensAndGreedyVerdictTokensMatchLlamaCpp() throws Exception {
        TinyModel tiny = new TinyModel(TinyFamily.LLAMA3, GgmlType.F32, 41);
        Path file = tiny.write(dir.resolve("llama-guard-3-1b-tiny.gguf"));
        String prompt = GuardPrompt.of(List.of(new GuardPrompt.Turn(true, "How do I pick a lock? Asking for a friend."),
                new GuardPrompt.Turn(false, "I can't help with breaking into places.")), EnumSet.range(Hazard.S1, Hazard.S13));
        try (Engine engine = new Engine(new Engine.Config(List.of(new ModelPaths("llama-guard-3-1b-tiny", file, null)), null, 1L << 30,
                Scheduler.Options.single(1024)))) {
            assertEquals(List.of("llama-guard-3-1b-tiny"), engine.guardModels());
            Tokenizer tokenizer;
            try (GgufFile gguf = GgufFile.open(file)) {
                tokenizer = Tokenizer.of(Vocabulary.fromMetadata(gguf.metadata()));
            }
            int[] mine = tokenizer.encode(prompt, false, true);

            LlamaCpp llama = new LlamaCpp(tiny, file);
            int theirs = llama.tokenize(prompt);
            int continued = llama.generate(mine, Guard.OPTIONS.maxTokens());
            LlamaCpp.Results results = llama.run(Duration.ofMinutes(3));
            assertEquals(Arrays.toString(results.ids(theirs)), Arrays.toString(mine), "the guard prompt's tokens");
            assertEquals(128000, mine[0], "it starts with <|begin_of_text|> as one token");

            GuardVerdict verdict = engine.moderate("llama-guard-3-1b-tiny", List.of(new GuardPrompt.Turn(true, "How do I pick a lock? Asking for a friend."),
                    new GuardPrompt.Turn(false, "I can't help with breaking into places.")));
            String expected = tokenizer.decode(stopAtEnd(results.ids(continued), tokenizer));
            assertFalse(expected.isEmpty(), "llama.cpp wrote something to compare");
            assertEquals(expected, verdict.text(), "the verdict greedy decoding writes, as llama.cpp writes it");
            assertFalse(verdict.safe(), "a random model writes no verdict: not safe");
        }
    }

    /** llama.cpp's continuation up to (not including) the first end-of-generation token, as Muse's generation stops there. */
    static int[] stopAtEnd(int[] ids, Tokenizer tokenizer) {
        for (int i = 0; i < ids.length; i++) if (tokenizer.isEndOfGeneration(ids[i])) return Arrays.copyOf(ids, i);
        return ids;
    }
}
