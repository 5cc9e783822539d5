package dev.muse.bench;

import dev.muse.engine.Parallel;
import dev.muse.hub.ModelFiles;
import dev.muse.hub.ModelPaths;
import dev.muse.runtime.ChatRequest;
import dev.muse.runtime.Engine;
import dev.muse.runtime.Event;
import dev.muse.runtime.Generation;
import dev.muse.runtime.GenerationOptions;
import dev.muse.runtime.Mode;
import dev.muse.runtime.Sampling;
import dev.muse.runtime.Scheduler;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code muse bench --contemplate}: the wall time of a contemplating answer (N sub-agents in one batch, then the synthesis)
 * against one thinking answer with the same token budgets, and against N thinking answers one after another, on the same
 * engine in the same run, the three alternating round by round. Every answer is a chat turn through {@link Engine#chat};
 * each thinking pass may write {@code thought + answer} tokens (a random-weight model never stops early, so each writes
 * exactly that), the synthesis the answer's share. It also counts the prompt tokens the contemplation computed, to show
 * the shared prompt computed once.
 */
public final class ContemplateBench {
    private ContemplateBench() {}

    /** Seconds of each pass of one round, and the prompt tokens the contemplation computed and the scheduler's steps. */
    private record Round(double thinking, double contemplating, double sequential, double agentsPhase, long computed, long steps,
                         int promptTokens, int generated) {}

    public static int run(Path file, int agents, int promptWords, int thought, int answer, int repetitions) throws Exception {
        String id = ModelFiles.idOf(file);
        int context = 4096;
        Engine.Config config = new Engine.Config(List.of(new ModelPaths(id, file, null)), null, Long.MAX_VALUE,
                new Scheduler.Options(agents, context, context));
        String question = "Consider the following notes and say what they add up to. " + "The river rises after rain in the hills. ".repeat(Math.max(1, promptWords / 8));
        System.err.printf("benchmarking contemplation on %s with %d threads: %d sub-agents, thought budget %d, answer %d tokens%n",
                file, Parallel.threads(), agents, thought, answer);
        try (Engine engine = new Engine(config)) {
            engine.load(id);
            System.err.println("  warm-up (not timed)");
            time(engine, request(id, question, Mode.THINKING, 16, 8, agents));
            time(engine, request(id, question, Mode.CONTEMPLATING, 16, 8, agents));
            double thinking = 0, contemplating = 0, sequential = 0;
            Round last = null;
            for (int r = 0; r < repetitions; r++) {
                System.gc();
                double one = time(engine, request(id, question, Mode.THINKING, thought, answer, agents))[0];
                Scheduler.Stats before = stats(engine, id);
                double[] c = time(engine, request(id, question, Mode.CONTEMPLATING, thought, answer, agents));
                Scheduler.Stats after = stats(engine, id);
                double seq = 0;
                for (int a = 0; a < agents; a++) seq += time(engine, request(id, question, Mode.THINKING, thought, answer, agents))[0];
                last = new Round(one, c[0], seq, c[1], after.promptTokens() - before.promptTokens(), after.steps() - before.steps(), (int) c[2], (int) c[3]);
                System.err.printf("  round %d: thinking %.2f s, contemplating %.2f s (sub-agents %.2f s), %d thinking answers in a row %.2f s: ratios %.2fx, %.2fx%n",
                        r + 1, one, c[0], c[1], agents, seq, c[0] / one, c[0] / seq);
                thinking += one / repetitions;
                contemplating += c[0] / repetitions;
                sequential += seq / repetitions;
            }
            System.out.printf("%n| model | threads | sub-agents | budgets (thought + answer) | thinking s | contemplating s | ratio | %d in a row s | ratio |%n", agents);
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            System.out.printf("| %s | %d | %d | %d + %d | %.2f | %.2f | %.2fx | %.2f | %.2fx |%n", file.getFileName(), Parallel.threads(), agents, thought,
                    answer, thinking, contemplating, contemplating / thinking, sequential, contemplating / sequential);
            System.out.printf("%nlast round: the contemplation read %d prompt tokens and computed %d of them (the rest reused), in %d steps for %d generated tokens%n",
                    last.promptTokens(), last.computed(), last.steps(), last.generated());
        }
        return 0;
    }

    /**
     * A chat turn whose passes may each write {@code thought + answer} tokens, the thought closed after {@code thought} (a
     * reasoning model's); a contemplation's synthesis then has {@code answer}.
     */
    private static ChatRequest request(String id, String question, Mode mode, int thought, int answer, int agents) {
        return new ChatRequest(id, List.of(ChatRequest.Message.of("user", question)), mode, GenerationOptions.of(thought + answer, Sampling.greedy()))
                .withThoughtBudget(thought).withAgents(mode == Mode.CONTEMPLATING ? agents : null);
    }

    /** Seconds to the last event; for a contemplation also seconds to its first answer event, its prompt and generated tokens. */
    private static double[] time(Engine engine, ChatRequest request) throws InterruptedException {
        long start = System.nanoTime(), agentsEnd = -1;
        try (Generation g = engine.chat(request)) {
            Event e;
            Event.Usage usage = null;
            do {
                e = g.next();
                if (agentsEnd < 0 && (e instanceof Event.Token || e instanceof Event.Done)) agentsEnd = System.nanoTime();
                if (e instanceof Event.Usage u) usage = u;
                if (e instanceof Event.Error error) throw error.error();
            } while (!e.last());
            return new double[] {(System.nanoTime() - start) / 1e9, (agentsEnd - start) / 1e9, usage.promptTokens(), usage.completionTokens()};
        }
    }

    private static Scheduler.Stats stats(Engine engine, String id) {
        return engine.model(id).orElseThrow().resident().orElseThrow().scheduler();
    }
}
