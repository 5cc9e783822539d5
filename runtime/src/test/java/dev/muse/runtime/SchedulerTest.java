package dev.muse.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.GgmlType;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.models.ContextOverflowException;
import dev.muse.models.Decoder;
import dev.muse.models.Models;
import dev.muse.runtime.Sequence.Finished;
import dev.muse.runtime.Sequence.Token;
import dev.muse.runtime.Sequence.TokenEvent;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import dev.muse.text.Sampler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerTest {
    @TempDir static Path dir;
    static GgufFile file;
    static Decoder model;

    @BeforeAll
    static void load() throws Exception {
        file = GgufFile.open(new TinyModel(TinyFamily.LLAMA2, GgmlType.F32, 21).write(dir.resolve("llama2.gguf")));
        model = Models.decoder(file);
    }

    @AfterAll
    static void close() { file.close(); }

    @Test
    void concurrentSequencesGenerateWhatEachWouldAlone() throws Exception {
        SplittableRandom random = new SplittableRandom(1);
        int[][] prompts = {prompt(random, 5), prompt(random, 130), prompt(random, 1), prompt(random, 33), prompt(random, 9)};
        try (Scheduler scheduler = new Scheduler(model, new Scheduler.Options(3, 256, 48), "test")) {
            List<Sequence> sequences = new ArrayList<>();
            for (int[] p : prompts) sequences.add(scheduler.submit(greedy(p, 20)));
            for (int i = 0; i < prompts.length; i++) {
                int[] alone = PlainLoop.greedy(model, 256, Prompt.of(prompts[i]), 20);
                Result batched = drain(sequences.get(i));
                assertArrayEquals(alone, batched.tokens, "sequence " + i);
                assertEquals(FinishReason.LENGTH, batched.finished.reason());
                assertEquals(prompts[i].length, batched.finished.promptTokens());
            }
            assertEquals(0, scheduler.stats().running());
        }
    }

    @Test
    void aFollowUpReusesTheCachedPrefix() throws Exception {
        int[] first = prompt(new SplittableRandom(2), 40);
        try (Scheduler scheduler = new Scheduler(model, new Scheduler.Options(2, 256, 64), "test")) {
            Result turn1 = drain(scheduler.submit(greedy(first, 10)));
            assertEquals(0, turn1.finished.cachedPromptTokens());
            int[] second = concat(first, turn1.tokens, new int[] {7, 8, 9});
            Result turn2 = drain(scheduler.submit(greedy(second, 10)));
            // Everything but the last sampled token (never fed back) was in the cache.
            assertEquals(first.length + turn1.tokens.length - 1, turn2.finished.cachedPromptTokens());
            int[] fresh = PlainLoop.greedy(model, 256, Prompt.of(second), 10);
            assertArrayEquals(fresh, turn2.tokens);
        }
    }

    @Test
    void requestsArrivingTogetherWithOnePromptComputeItOnce() throws Exception {
        int[] prompt = prompt(new SplittableRandom(8), 150);
        int[] other = prompt(new SplittableRandom(9), 20);
        try (Scheduler scheduler = new Scheduler(model, new Scheduler.Options(4, 512, 48), "test")) {
            List<Sequence> sequences = new ArrayList<>();
            for (int i = 0; i < 3; i++) sequences.add(scheduler.submit(greedy(prompt, 6)));
            Sequence unrelated = scheduler.submit(greedy(other, 6));
            int[] alone = PlainLoop.greedy(model, 512, Prompt.of(prompt), 6);
            int cached = 0;
            for (Sequence s : sequences) {
                Result r = drain(s);
                assertArrayEquals(alone, r.tokens, "a lent prefix gives the same tokens");
                cached += r.finished.cachedPromptTokens();
            }
            // The others waited while the first still had 32+ tokens of the prompt to compute, then borrowed what it had.
            assertTrue(cached >= 2 * (prompt.length - 32), "two of the three borrowed most of the prompt: " + cached);
            assertEquals(6, drain(unrelated).tokens.length);
            assertEquals(3L * prompt.length - cached + other.length, scheduler.stats().promptTokens(), "prompt tokens actually computed");
        }
    }

    @Test
    void aLongGenerationStillSharesItsPrefix() throws Exception {
        int[] first = {1, 2, 3};
        try (Scheduler scheduler = new Scheduler(model, new Scheduler.Options(1, 1024, 64), "test")) {
            Result turn1 = drain(scheduler.submit(greedy(first, 400))); // history outgrows its first array
            int[] second = concat(first, turn1.tokens, new int[] {5});
            Result turn2 = drain(scheduler.submit(greedy(second, 3)));
            assertEquals(first.length + 399, turn2.finished.cachedPromptTokens());
        }
    }

    @Test
    void aCancelledSequenceFreesItsSlotForTheNextOne() throws Exception {
        try (Scheduler scheduler = new Scheduler(model, new Scheduler.Options(1, 512, 64), "test")) {
            Sequence endless = scheduler.submit(greedy(new int[] {1, 2, 3}, 400));
            Sequence next = scheduler.submit(greedy(new int[] {4, 5}, 3));
            assertInstanceOf(Token.class, endless.take());
            endless.cancel();
            Result rest = drain(endless);
            assertEquals(FinishReason.CANCELLED, rest.finished.reason());
            assertTrue(rest.finished.generatedTokens() < 400);
            assertEquals(3, drain(next).tokens.length);
        }
    }

    @Test
    void stopTokensEndTheSequenceWithoutBeingEmitted() throws Exception {
        int[] prompt = prompt(new SplittableRandom(3), 6);
        int[] alone = PlainLoop.greedy(model, 64, Prompt.of(prompt), 8);
        int stop = alone[4];
        try (Scheduler scheduler = new Scheduler(model, new Scheduler.Options(1, 64, 64), "test")) {
            Result r = drain(scheduler.submit(new Sequence.Request(Prompt.of(prompt), 8, Sampler.Settings.greedy(), t -> t == stop, -1)));
            assertEquals(FinishReason.STOP, r.finished.reason());
            int firstStop = 0;
            while (alone[firstStop] != stop) firstStop++;
            assertArrayEquals(Arrays.copyOf(alone, firstStop), r.tokens);
        }
    }

    @Test
    void logprobsDescribeTheModelsDistribution() throws Exception {
        try (Scheduler scheduler = new Scheduler(model, new Scheduler.Options(1, 64, 64), "test")) {
            Sequence s = scheduler.submit(new Sequence.Request(Prompt.of(new int[] {1, 50, 60}), 4, Sampler.Settings.greedy(), t -> false, 5));
            for (int i = 0; i < 4; i++) {
                Token t = assertInstanceOf(Token.class, s.take());
                assertEquals(5, t.top().length);
                assertEquals(t.id(), t.top()[0].token(), "greedy picks the most likely token");
                assertEquals(t.top()[0].logprob(), t.logprob().logprob());
                for (int k = 1; k < 5; k++) assertTrue(t.top()[k].logprob() <= t.top()[k - 1].logprob());
                double mass = 0;
                for (Sequence.Logprob lp : t.top()) mass += Math.exp(lp.logprob());
                assertTrue(t.logprob().logprob() <= 0 && mass <= 1.0001, "probabilities, not raw logits");
            }
        }
    }

    @Test
    void aPromptThatFillsTheContextIsRefusedAndClosingFailsWaitingWork() throws Exception {
        Scheduler scheduler = new Scheduler(model, new Scheduler.Options(1, 16, 64), "test");
        assertThrows(ContextOverflowException.class, () -> scheduler.submit(greedy(new int[16], 1)));
        assertThrows(IllegalArgumentException.class, () -> scheduler.submit(greedy(new int[] {-1}, 1)));
        Sequence running = scheduler.submit(greedy(new int[] {1}, 14));
        Sequence queued = scheduler.submit(greedy(new int[] {2}, 14));
        scheduler.close();
        for (Sequence s : List.of(running, queued)) {
            List<TokenEvent> events = drainEvents(s);
            assertFalse(events.isEmpty());
            assertTrue(events.getLast() instanceof Sequence.Failed || events.getLast() instanceof Finished, "work ends, never hangs: " + events);
        }
        assertThrows(IllegalStateException.class, () -> scheduler.submit(greedy(new int[] {1}, 1)));
    }

    /**
     * A thought past its budget: the scheduler writes the closing into the sequence itself (reported as generated tokens),
     * the model reads it, and the answer goes on from it exactly as from a prompt that held those tokens.
     */
    @Test
    void aThoughtPastItsBudgetIsClosedAndTheAnswerGoesOnFromTheClosing() throws Exception {
        int[] prompt = {1, 40, 41, 42};
        int[] closing = {500, 501, 502};
        try (Scheduler scheduler = new Scheduler(model, new Scheduler.Options(2, 256, 16), "test")) {
            int[] plain = drain(scheduler.submit(greedy(prompt, 6))).tokens;
            // the model's first token stands for the opening tag: three tokens of thought follow it, then the closing
            int[] opened = drain(scheduler.submit(withBudget(prompt, 12, new Sequence.ThoughtBudget(3, plain[0], -7, closing, false)))).tokens;
            int[] thought = Arrays.copyOf(plain, 4);
            assertArrayEquals(concat(thought, closing), Arrays.copyOf(opened, 7), "the opening, three tokens of thought, the closing");
            int[] answer = PlainLoop.greedy(model, 256, Prompt.of(concat(prompt, thought, closing)), 5);
            assertArrayEquals(answer, Arrays.copyOfRange(opened, 7, 12), "the answer goes on from the closing");

            // a template that opened the thought in the prompt: every token counts from the first
            int[] open = drain(scheduler.submit(withBudget(prompt, 8, new Sequence.ThoughtBudget(2, -5, -7, closing, true)))).tokens;
            assertArrayEquals(concat(Arrays.copyOf(plain, 2), closing), Arrays.copyOf(open, 5));

            // no thought opened (the first token is not the opening tag): nothing is written
            int[] never = drain(scheduler.submit(withBudget(prompt, 6, new Sequence.ThoughtBudget(1, -5, -7, closing, false)))).tokens;
            assertArrayEquals(plain, never);

            // no room left for the closing: the length limit ends the choice inside its thought
            Result cut = drain(scheduler.submit(withBudget(prompt, 4, new Sequence.ThoughtBudget(2, -5, -7, closing, true))));
            assertArrayEquals(Arrays.copyOf(plain, 4), cut.tokens);
            assertEquals(FinishReason.LENGTH, cut.finished.reason());
        }
    }

    static Sequence.Request withBudget(int[] prompt, int n, Sequence.ThoughtBudget budget) {
        return new Sequence.Request(Prompt.of(prompt), n, Sampler.Settings.greedy(), t -> false, -1, budget, null, null);
    }

    record Result(int[] tokens, Finished finished) {}

    static Result drain(Sequence s) throws InterruptedException {
        List<Integer> tokens = new ArrayList<>();
        while (true) {
            TokenEvent e = s.poll(60, TimeUnit.SECONDS);
            assertNotNull(e, "no event within 60 s");
            switch (e) {
                case Token t -> tokens.add(t.id());
                case Finished f -> { return new Result(tokens.stream().mapToInt(Integer::intValue).toArray(), f); }
                case Sequence.Failed f -> throw f.error();
            }
        }
    }

    static List<TokenEvent> drainEvents(Sequence s) throws InterruptedException {
        List<TokenEvent> events = new ArrayList<>();
        TokenEvent e;
        while ((e = s.poll(200, TimeUnit.MILLISECONDS)) != null) events.add(e);
        return events;
    }

    static Sequence.Request greedy(int[] prompt, int n) { return new Sequence.Request(Prompt.of(prompt), n, Sampler.Settings.greedy(), t -> false, -1); }

    static int[] prompt(SplittableRandom random, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = random.nextInt(model.vocabularySize());
        return p;
    }

    static int[] concat(int[]... parts) {
        int[] out = new int[0];
        for (int[] p : parts) {
            int at = out.length;
            out = Arrays.copyOf(out, at + p.length);
            System.arraycopy(p, 0, out, at, p.length);
        }
        return out;
    }
}
