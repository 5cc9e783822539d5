package dev.muse.models.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.engine.GgmlType;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.models.GoldenContinuations;
import dev.muse.models.SequenceState;
import dev.muse.models.Decoder;
import dev.muse.models.Models;
import dev.muse.testkit.DequantizedTwin;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import dev.muse.text.Sampler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Qwen3 (QK-norm, head size from attention.key_length) against golden greedy continuations from a newer
 * llama.cpp than the one the forked-JVM reference carries (see resources/golden/qwen3-llama.cpp.txt for how
 * they were made). Muse must produce the 32 golden tokens exactly; the golden also names the sha256 of the
 * file llama.cpp ran, so a changed model writer or quantizer fails as "stale golden", not as a mismatch.
 *
 * <p>Q4_0 has a golden of its own (resources/golden/qwen3-q4_0-llama.cpp.txt): Muse rounds the activations of
 * Q4_0 products to 8 bits, as llama.cpp does, so it no longer computes the F32 twin's float arithmetic exactly; it
 * is compared with llama.cpp's run of the Q4_0 file itself, teacher-forced, under LlamaCppGoldenTest's near-tie rule.
 */
class Qwen3GoldenTest {
    static final String GOLDEN = "/golden/qwen3-llama.cpp.txt";
    static final String Q4_0_GOLDEN = "/golden/qwen3-q4_0-llama.cpp.txt";

    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_1", "Q4_K", "Q5_K", "Q6_K"})
    void greedyContinuationMatchesNewerLlamaCpp(GgmlType type) throws Exception {
        List<String> lines = GoldenContinuations.lines(GOLDEN);
        int[] prompt = GoldenContinuations.ids(GoldenContinuations.fields(lines, "prompt"), 0);
        String[] fields = GoldenContinuations.fields(lines, type.name());
        String sha = fields[0];
        int[] expected = GoldenContinuations.ids(fields, 2);

        TinyModel tiny = new TinyModel(TinyFamily.QWEN3, type, LlamaCppGoldenTest.SEED);
        Path file = tiny.write(dir.resolve(tiny.name() + ".gguf"));
        Path ran = type == GgmlType.F32 ? file : DequantizedTwin.write(file, dir.resolve(tiny.name() + "-twin-f32.gguf"));
        assertEquals(sha, GoldenContinuations.sha256(ran), tiny.name() + ": stale golden: the file llama.cpp ran is no longer what TinyModel"
                + (type == GgmlType.F32 ? "" : " and DequantizedTwin") + " write; regenerate " + GOLDEN);

        try (GgufFile gguf = GgufFile.open(file)) {
            String[] pieces = gguf.metadata().getStrings("tokenizer.ggml.tokens");
            GoldenContinuations.assertSameTokens(tiny.name(), expected, GoldenContinuations.greedy(Models.decoder(gguf), prompt, expected.length), pieces);
        }
    }

    /**
     * Muse on the Q4_0 file, fed llama.cpp's greedy tokens: at every step Muse's greedy choice is llama.cpp's, or the
     * two are a near-tie (Muse's gap plus llama.cpp's between the two choices within LlamaCppGoldenTest.nearTie),
     * at most LlamaCppGoldenTest.MAX_NEAR_TIES times.
     */
    @Test
    void q4_0WithinNearTiesOfLlamaCpp() throws Exception {
        List<String> lines = GoldenContinuations.lines(Q4_0_GOLDEN);
        int[] prompt = GoldenContinuations.ids(GoldenContinuations.fields(lines, "prompt"), 0);
        TinyModel tiny = new TinyModel(TinyFamily.QWEN3, GgmlType.Q4_0, LlamaCppGoldenTest.SEED);
        Path file = tiny.write(dir.resolve(tiny.name() + ".gguf"));
        assertEquals(GoldenContinuations.fields(lines, "sha256")[0], GoldenContinuations.sha256(file),
                tiny.name() + ": stale golden: TinyModel no longer writes the file llama.cpp ran; regenerate " + Q4_0_GOLDEN);

        double tolerance = LlamaCppGoldenTest.nearTie(GgmlType.Q4_0);
        List<String> nearTies = new ArrayList<>();
        try (GgufFile gguf = GgufFile.open(file)) {
            Decoder model = Models.decoder(gguf);
            SequenceState cache = model.newState(prompt.length + LlamaCppGoldenTest.TOKENS);
            float[] logits = model.forward(cache, prompt);
            for (int step = 0; step < LlamaCppGoldenTest.TOKENS; step++) {
                String[] fields = GoldenContinuations.fields(lines, "step" + step);
                int theirs = Integer.parseInt(fields[0]), ours = Sampler.argmax(logits);
                if (ours != theirs) {
                    Map<Integer, Float> top = new HashMap<>();
                    for (int k = 1; k < fields.length; k++) {
                        String[] idLogit = fields[k].split(":");
                        top.put(Integer.parseInt(idLogit[0]), Float.parseFloat(idLogit[1]));
                    }
                    Float theirLogitOfOurs = top.get(ours);
                    double museGap = logits[ours] - logits[theirs];
                    String where = String.format("step %d: Muse %d, llama.cpp %d, Muse's gap %.5f", step, ours, theirs, museGap);
                    assertNotNull(theirLogitOfOurs, where + "; Muse's choice is not among llama.cpp's five largest logits");
                    double llamaGap = top.get(theirs) - theirLogitOfOurs;
                    assertTrue(museGap + llamaGap <= tolerance, where + String.format(", llama.cpp's gap %.5f: not a near-tie", llamaGap));
                    nearTies.add(where + String.format(", llama.cpp's gap %.5f", llamaGap));
                }
                logits = model.forward(cache, new int[] {theirs});
            }
        }
        // the near-ties go to the test's output, so their size stays visible on success
        nearTies.forEach(System.out::println);
        assertTrue(nearTies.size() <= LlamaCppGoldenTest.MAX_NEAR_TIES, nearTies.size() + " near-ties: " + nearTies);
    }
}
