package dev.muse.runtime;

import static dev.muse.runtime.SchedulerTest.concat;
import static dev.muse.runtime.SchedulerTest.drain;
import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.GgmlType;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.models.Decoder;
import dev.muse.models.Models;
import dev.muse.runtime.Prompt.Embedded;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import dev.muse.text.Sampler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prompts holding image spans (vectors in place of tokens) through the scheduler: batching, prefix reuse, checks. */
class ImagePromptSchedulingTest {
    @TempDir static Path dir;
    static GgufFile file;
    static Decoder model;

    @BeforeAll
    static void load() throws Exception {
        file = GgufFile.open(new TinyModel(TinyFamily.LLAMA2, GgmlType.F32, 23).write(dir.resolve("llama2.gguf")));
        model = Models.decoder(file);
    }

    @AfterAll
    static void close() { file.close(); }

    @Test
    void imagePromptsGenerateInABatchWhatTheyWouldAlone() throws Exception {
        SplittableRandom random = new SplittableRandom(3);
        List<Prompt> prompts = List.of(
                image(random, 5, 40, 7, false, 1),
                image(random, 3, 70, 2, true, 2),  // a bidirectional span longer than a prefill chunk
                Prompt.of(tokens(random, 12)));
        try (Scheduler scheduler = new Scheduler(model, new Scheduler.Options(3, 256, 32), "test")) {
            List<Sequence> sequences = new ArrayList<>();
            for (Prompt p : prompts) sequences.add(scheduler.submit(request(p, 12)));
            for (int i = 0; i < prompts.size(); i++) {
                int[] alone = PlainLoop.greedy(model, 256, prompts.get(i), 12);
                assertArrayEquals(alone, drain(sequences.get(i)).tokens(), "prompt " + i);
            }
        }
    }

    @Test
    void aTurnRepeatingAnImageReusesItAndADifferentImageIsRecomputed() throws Exception {
        Prompt first = image(new SplittableRandom(4), 6, 30, 5, false, 10);
        try (Scheduler scheduler = new Scheduler(model, new Scheduler.Options(1, 256, 32), "test")) {
            SchedulerTest.Result turn1 = drain(scheduler.submit(request(first, 6)));
            Prompt second = new Prompt(concat(first.tokens(), turn1.tokens(), new int[] {7, 8}), first.embedded());
            assertEquals(first.length() + turn1.tokens().length - 1, drain(scheduler.submit(request(second, 4))).finished().cachedPromptTokens());

            // The same text around another image (other placeholder ids): reuse stops where the image starts.
            Prompt other = image(new SplittableRandom(4), 6, 30, 5, false, 11);
            SchedulerTest.Result turn3 = drain(scheduler.submit(request(other, 6)));
            assertEquals(6, turn3.finished().cachedPromptTokens());
            int[] fresh = PlainLoop.greedy(model, 256, other, 6);
            assertArrayEquals(fresh, turn3.tokens());
        }
    }

    @Test
    void badSpansAreRefused() {
        int dim = model.embeddingLength();
        assertThrows(IllegalArgumentException.class, () -> new Prompt(new int[] {1, 2, 3}, List.of(new Embedded(1, 1, new float[dim], false))),
                "a span's rows need placeholder ids");
        assertThrows(IllegalArgumentException.class, () -> new Prompt(new int[] {1, -1, -1}, List.of(new Embedded(1, 3, new float[3 * dim], false))));
        try (Scheduler scheduler = new Scheduler(model, new Scheduler.Options(1, 64, 32), "test")) {
            Prompt narrow = new Prompt(new int[] {1, -5, 2}, List.of(new Embedded(1, 1, new float[dim - 1], false)));
            assertThrows(IllegalArgumentException.class, () -> scheduler.submit(request(narrow, 1)));
        }
    }

    /** before random tokens, a span of {@code rows} random vectors whose placeholders derive from {@code imageId}, after random tokens. */
    static Prompt image(SplittableRandom random, int before, int rows, int after, boolean bidirectional, int imageId) {
        int[] tokens = concat(tokens(random, before), new int[rows], tokens(random, after));
        SplittableRandom pixels = new SplittableRandom(imageId);
        float[] vectors = new float[rows * model.embeddingLength()];
        for (int i = 0; i < vectors.length; i++) vectors[i] = (float) pixels.nextGaussian() * 0.05f;
        for (int r = 0; r < rows; r++) tokens[before + r] = -1 - (imageId * 1000 + r);
        return new Prompt(tokens, List.of(new Embedded(before, rows, vectors, bidirectional)));
    }

    static int[] tokens(SplittableRandom random, int n) {
        return random.ints(n, 0, model.vocabularySize()).toArray();
    }

    static Sequence.Request request(Prompt prompt, int n) { return new Sequence.Request(prompt, n, Sampler.Settings.greedy(), t -> false, -1); }
}
