package dev.muse.models.llama;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.GgmlType;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.models.SequenceState;
import dev.muse.models.Decoder;
import dev.muse.models.Decoder.Step;
import dev.muse.models.Models;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous batching runs several sequences, at different positions and in different phases (a prompt
 * chunk beside single decode tokens), through one forward. Each sequence must get the logits it would get
 * alone.
 */
class BatchedForwardTest {
    @TempDir Path dir;

    @Test
    void aMixedBatchGivesEachSequenceItsOwnLogits() throws Exception {
        for (GgmlType type : new GgmlType[] {GgmlType.F32, GgmlType.Q8_0, GgmlType.Q4_K}) {
            Path path = new TinyModel(TinyFamily.QWEN2, type, 11).write(dir.resolve("qwen2-" + type + ".gguf"));
            try (GgufFile file = GgufFile.open(path)) {
                Decoder model = Models.decoder(file);
                SplittableRandom random = new SplittableRandom(5);
                int[][] histories = {tokens(random, model, 3), tokens(random, model, 40), tokens(random, model, 1), tokens(random, model, 90)};
                int[][] next = {tokens(random, model, 1), tokens(random, model, 70), tokens(random, model, 1), tokens(random, model, 2)};

                List<Step> steps = new ArrayList<>();
                for (int s = 0; s < histories.length; s++) {
                    SequenceState cache = model.newState(256);
                    model.forward(cache, histories[s]);
                    steps.add(new Step(cache, next[s]));
                }
                float[][] batched = model.forward(steps); // 1 + 70 + 1 + 2 rows: spans two internal chunks

                for (int s = 0; s < histories.length; s++) {
                    SequenceState alone = model.newState(256);
                    model.forward(alone, histories[s]);
                    float[] expected = model.forward(alone, next[s]);
                    assertEquals(histories[s].length + next[s].length, steps.get(s).state().length());
                    assertArrayEquals(expected, batched[s], 2e-4f, type + " sequence " + s);
                }
            }
        }
    }

    @Test
    void aFailedBatchLeavesEveryCacheAsItWas() throws Exception {
        Path path = new TinyModel(TinyFamily.LLAMA2, GgmlType.F32, 3).write(dir.resolve("llama2.gguf"));
        try (GgufFile file = GgufFile.open(path)) {
            Decoder model = Models.decoder(file);
            SequenceState roomy = model.newState(64), tight = model.newState(4);
            model.forward(roomy, new int[] {1, 2, 3});
            model.forward(tight, new int[] {1, 2, 3});
            assertThrows(RuntimeException.class, () -> model.forward(List.of(new Step(roomy, new int[] {4}), new Step(tight, new int[] {4, 5}))));
            assertEquals(3, roomy.length());
            assertEquals(3, tight.length());
            assertThrows(IllegalArgumentException.class, () -> model.forward(List.of(new Step(roomy, new int[] {4}), new Step(roomy, new int[] {5}))));
        }
    }

    @Test
    void vectorRowsStandInForTokenEmbeddings() throws Exception {
        Path path = new TinyModel(TinyFamily.LLAMA2, GgmlType.F32, 4).write(dir.resolve("llama2-vectors.gguf"));
        try (GgufFile file = GgufFile.open(path)) {
            Decoder model = Models.decoder(file);
            int dim = model.embeddingLength();
            int[] prompt = tokens(new SplittableRandom(9), model, 6);
            float[] rows = new float[prompt.length * dim];
            var embedding = file.tensor("token_embd.weight");
            for (int i = 0; i < prompt.length; i++) embedding.dequantize((long) prompt[i] * dim, rows, i * dim, dim);

            float[] byTokens = model.forward(model.newState(64), prompt);
            float[] byVectors = model.forward(List.of(Step.ofVectors(model.newState(64), rows, prompt.length, false)))[0];
            assertArrayEquals(byTokens, byVectors, 1e-5f);
            assertThrows(IllegalArgumentException.class, () -> model.forward(List.of(Step.ofVectors(model.newState(64), new float[dim + 1], 1, false))));
        }
    }

    @Test
    void aBidirectionalStepIsNeverSplitAcrossInternalChunks() throws Exception {
        Path path = new TinyModel(TinyFamily.LLAMA2, GgmlType.F32, 6).write(dir.resolve("llama2-bidi.gguf"));
        try (GgufFile file = GgufFile.open(path)) {
            Decoder model = Models.decoder(file);
            SplittableRandom random = new SplittableRandom(2);
            float[] image = new float[50 * model.embeddingLength()];
            for (int i = 0; i < image.length; i++) image[i] = (float) random.nextGaussian() * 0.05f;

            float[] alone = model.forward(List.of(Step.ofVectors(model.newState(128), image, 50, true)))[0];
            float[] causal = model.forward(List.of(Step.ofVectors(model.newState(128), image, 50, false)))[0];
            assertFalse(java.util.Arrays.equals(alone, causal), "earlier rows of a bidirectional step see later ones");

            // Behind a 30-row step the 50 rows cross the 64-row chunk boundary; they must still be computed together.
            SequenceState other = model.newState(128), cache = model.newState(128);
            float[][] batched = model.forward(List.of(new Step(other, tokens(random, model, 30)), Step.ofVectors(cache, image, 50, true)));
            assertArrayEquals(alone, batched[1], 1e-5f);
            assertEquals(50, cache.length());
        }
    }

    private static int[] tokens(SplittableRandom random, Decoder model, int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = random.nextInt(model.vocabularySize());
        return t;
    }
}
