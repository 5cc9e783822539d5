package dev.muse.bench;

import dev.muse.engine.Parallel;
import dev.muse.hub.ModelFiles;
import dev.muse.hub.ModelPaths;
import dev.muse.runtime.CompletionRequest;
import dev.muse.runtime.Engine;
import dev.muse.runtime.Event;
import dev.muse.runtime.Generation;
import dev.muse.runtime.GenerationOptions;
import dev.muse.runtime.OutputGrammar;
import dev.muse.runtime.Sampling;
import dev.muse.runtime.Scheduler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code muse bench --grammar}: what constrained decoding costs. The time to compile a JSON schema of 50 properties into
 * a grammar (schema to GBNF to rules, and the start of its matcher), and the time each generated token costs beyond a free
 * one: the same model, prompt and sampling through the engine, free and kept to that schema, alternating round by round,
 * compared per token after the first. A random-weight model is the worst case for the mask: its sampled token almost
 * never fits, so nearly every token needs the vocabulary masked, where a trained model's mostly fits.
 */
public final class GrammarBench {
    private GrammarBench() {}

    public static int run(Path file, int tokens, int repetitions) throws Exception {
        String id = ModelFiles.idOf(file);
        System.err.printf("benchmarking constrained decoding on %s with %d threads, %d tokens per answer%n", file, Parallel.threads(), tokens);
        Map<String, Object> schema = fiftyProperties();
        double compileFirst = compileMillis(schema);
        double compileWarm = Double.MAX_VALUE;
        for (int i = 0; i < 20; i++) compileWarm = Math.min(compileWarm, compileMillis(schema));
        OutputGrammar grammar = OutputGrammar.jsonSchema(schema);
        Engine.Config config = new Engine.Config(List.of(new ModelPaths(id, file, null)), null, Long.MAX_VALUE, new Scheduler.Options(1, 4096, 4096));
        try (Engine engine = new Engine(config)) {
            engine.load(id);
            System.err.println("  warm-up (not timed)");
            millisPerToken(engine, id, 32, null);
            millisPerToken(engine, id, 32, grammar);
            double free = 0, kept = 0;
            for (int r = 0; r < repetitions; r++) {
                double f = millisPerToken(engine, id, tokens, null), k = millisPerToken(engine, id, tokens, grammar);
                System.err.printf("  round %d: free %.2f ms/token, kept to the schema %.2f ms/token (+%.1f%%)%n", r + 1, f, k, 100 * (k - f) / f);
                free += f / repetitions;
                kept += k / repetitions;
            }
            System.out.printf("%n| model | threads | free ms/token | schema ms/token | overhead | 50-property schema compile ms (first / warm) |%n");
            System.out.println("|---|---|---|---|---|---|");
            System.out.printf("| %s | %d | %.2f | %.2f | %.1f%% | %.1f / %.2f |%n", file.getFileName(), Parallel.threads(), free, kept,
                    100 * (kept - free) / free, compileFirst, compileWarm);
        }
        return 0;
    }

    /** An object of 50 required properties of every kind the schema compiler takes, some nested. */
    static Map<String, Object> fiftyProperties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<Object> kinds = List.of(
                Map.of("type", "string", "maxLength", 40), Map.of("type", "integer"), Map.of("type", "number"), Map.of("type", "boolean"),
                Map.of("enum", List.of("red", "green", "blue")), Map.of("type", "string", "format", "date"),
                Map.of("type", "array", "items", Map.of("type", "string"), "minItems", 1, "maxItems", 4),
                Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string"), "zip", Map.of("type", "integer")),
                        "required", List.of("city", "zip"), "additionalProperties", false),
                Map.of("anyOf", List.of(Map.of("type", "string"), Map.of("type", "null"))), Map.of("type", "string", "format", "uuid"));
        List<String> required = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            properties.put("field_" + i, kinds.get(i % kinds.size()));
            required.add("field_" + i);
        }
        return Map.of("type", "object", "properties", properties, "required", required, "additionalProperties", false);
    }

    private static double compileMillis(Map<String, Object> schema) {
        long t0 = System.nanoTime();
        OutputGrammar.jsonSchema(schema);
        return (System.nanoTime() - t0) / 1e6;
    }

    /** Milliseconds per generated token after the first, for an answer of at most {@code tokens} (kept to {@code grammar} when given). */
    private static double millisPerToken(Engine engine, String id, int tokens, OutputGrammar grammar) throws InterruptedException {
        GenerationOptions options = new GenerationOptions(tokens, new Sampling(0.8f, 40, 0.95f, 0.05f, 1f, 0f, 0f, 7), List.of(), 1, -1, grammar);
        try (Generation g = engine.complete(CompletionRequest.ofText(id, "A record of the day, as JSON:", options))) {
            Event e;
            Event.Done done = null;
            do {
                e = g.next();
                if (e instanceof Event.Done d) done = d;
                if (e instanceof Event.Error error) throw error.error();
            } while (!e.last());
            if (done.completionTokens() < 2) throw new IllegalStateException("the answer ended after " + done.completionTokens() + " tokens");
            return 1000 / done.tokensPerSecond();
        }
    }
}
