package dev.muse.cli;

import dev.muse.hub.ModelFiles;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Parallel;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.models.SequenceState;
import dev.muse.models.Decoder;
import dev.muse.models.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure prompt processing (ppN) and generation (tgN) tokens/s and peak memory, like llama-bench.",
                "With --llama-bench, runs llama.cpp's llama-bench on the same file in the same run and prints ratios.",
                "With --serve, measures the HTTP server under concurrent streaming clients instead.",
                "With --vision, measures a vision tower's encode time per image instead."})
final class BenchCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "MODEL", description = "a .gguf file or a model name in the cache")
    String model;

    @Option(names = "--synthetic", paramLabel = "NAME", description = "write (once, into the cache) and bench a random-weight model with a real model's shapes: llama-3.2-1b, smollm2-135m, stories15m")
    String synthetic;

    @Option(names = "--type", defaultValue = "Q8_0", description = "weight type of the synthetic model (default ${DEFAULT-VALUE})")
    GgmlType type;

    @Option(names = {"-p", "--prompt-tokens"}, defaultValue = "512", description = "prompt length for ppN (default ${DEFAULT-VALUE})")
    int promptTokens;

    @Option(names = {"-n", "--gen-tokens"}, defaultValue = "128", description = "generated tokens for tgN (default ${DEFAULT-VALUE})")
    int genTokens;

    @Option(names = {"-r", "--repetitions"}, defaultValue = "3", description = "repetitions of each test (default ${DEFAULT-VALUE})")
    int repetitions;

    @Option(names = "--llama-bench", paramLabel = "PATH", description = "llama.cpp's llama-bench binary to run side by side")
    Path llamaBench;

    @Option(names = "--serve", description = "bench the HTTP server instead: concurrent streaming clients (see --clients), aggregate t/s, TTFT and inter-token gaps")
    boolean serve;

    @Option(names = "--clients", split = ",", defaultValue = "1,4,16", description = "with --serve: concurrent clients per round (default ${DEFAULT-VALUE})")
    int[] clients;

    @Option(names = "--llama-server", paramLabel = "PATH", description = "with --serve: llama.cpp's llama-server binary, run with the same rounds for ratios")
    Path llamaServer;

    @Option(names = "--prompt-words", defaultValue = "16", description = "with --serve: words in each client's prompt (default ${DEFAULT-VALUE})")
    int promptWords;

    @Option(names = "--vision", paramLabel = "NAME", description = "bench a vision tower instead: encode one image at native resolution with a random-weight mmproj of a real tower's shapes: smolvlm, gemma3 (see --type, -r, --mtmd-probe)")
    String vision;

    @Option(names = "--mtmd-probe", paramLabel = "PATH", description = "with --vision: the llama.cpp mtmd probe (docs/bench.md), run on the same file for ratios")
    Path mtmdProbe;

    @Override public Integer call() throws Exception {
        if (vision != null) return VisionBench.run(vision, type, repetitions, mtmdProbe);
        Path path = modelPath();
        if (serve) {
            System.err.printf("benchmarking the server on %s with %d threads, %d tokens per stream%n", path, Parallel.threads(), genTokens);
            List<ServeBench.Row> muse = ServeBench.run(path, clients, promptWords, genTokens);
            List<ServeBench.Row> anchor = null;
            if (llamaServer != null) {
                System.err.println("the same rounds against llama.cpp's llama-server " + llamaServer);
                anchor = ServeBench.runLlamaServer(llamaServer, path, clients, promptWords, genTokens);
                ServeBench.print("llama.cpp", path, anchor, null);
            }
            ServeBench.print("Muse", path, muse, anchor);
            return 0;
        }
        System.err.printf("benchmarking %s with %d threads%n", path, Parallel.threads());
        Comparison both;
        try (GgufFile file = GgufFile.open(path)) {
            resetPeakRss(); // writing a synthetic file is not what is measured
            Decoder lm = Models.decoder(file);
            // Warm-up, not timed (llama-bench warms up too): the JIT compiles the kernels of both paths. A prompt of
            // 64 tokens takes the tiled prompt kernels (16 tokens did not); generation settles after about 8 steps, so
            // 4 had left the first timed tgN a few percent slow.
            System.err.println("  warm-up run (not timed)");
            run(lm, Math.min(promptTokens, 64), Math.min(genTokens, 32));
            both = measure(lm, path);
        }
        print(path, both.muse(), both.llamaCpp());
        return 0;
    }

    private Path modelPath() throws Exception {
        if (synthetic == null) {
            if (model == null) throw new IllegalArgumentException("give a MODEL or --synthetic NAME");
            return ModelFiles.resolve(model);
        }
        SyntheticModel spec = SyntheticModel.named(synthetic);
        Path path = ModelFiles.cache().resolve("synthetic-" + spec.name() + "-" + type + ".gguf");
        if (!Files.exists(path)) {
            System.err.printf("writing %s (random weights, %s shapes)...%n", path, spec.name());
            spec.write(path, type);
        }
        return path;
    }

    record Measurement(double promptTokensPerSecond, double generationTokensPerSecond, long peakRssBytes) {}

    /** Muse's means and peak RSS, and llama.cpp's means (null without --llama-bench). */
    private record Comparison(Measurement muse, Measurement llamaCpp) {}

    /**
     * Muse's repetitions, each followed by one repetition of llama-bench when one is given (the same machine's load
     * drifts by tens of percent within minutes here, so Muse's and llama.cpp's runs alternate rather than follow one
     * another as blocks).
     */
    private Comparison measure(Decoder lm, Path path) throws Exception {
        double pp = 0, tg = 0, refPp = 0, refTg = 0;
        for (int r = 0; r < repetitions; r++) {
            // the last repetition's caches and activations are garbage: collected now, the heap does not grow with
            // each repetition (peak RSS went from 1454 to 1644 MiB over three Q8_0 repetitions without this)
            if (r > 0) System.gc();
            double[] result = run(lm, promptTokens, genTokens);
            pp += result[0] / repetitions;
            tg += result[1] / repetitions;
            System.err.printf("  repetition %d: pp%d %.2f t/s, tg%d %.2f t/s%n", r + 1, promptTokens, result[0], genTokens, result[1]);
            if (llamaBench == null) continue;
            Measurement ref = LlamaBenchRunner.run(llamaBench, path, promptTokens, genTokens, 1, Parallel.threads());
            refPp += ref.promptTokensPerSecond() / repetitions;
            refTg += ref.generationTokensPerSecond() / repetitions;
            System.err.printf("  llama.cpp   %d: pp%d %.2f t/s, tg%d %.2f t/s (ratios %.2f, %.2f)%n", r + 1, promptTokens,
                    ref.promptTokensPerSecond(), genTokens, ref.generationTokensPerSecond(),
                    result[0] / ref.promptTokensPerSecond(), result[1] / ref.generationTokensPerSecond());
        }
        Measurement muse = new Measurement(pp, tg, peakRss());
        return new Comparison(muse, llamaBench == null ? null : new Measurement(refPp, refTg, -1));
    }

    /** One ppN run (a fresh cache, N random tokens as one batch) and one tgN run (N single-token steps from empty). */
    private static double[] run(Decoder lm, int prompt, int gen) {
        SplittableRandom random = new SplittableRandom(prompt * 31L + gen);
        int[] tokens = new int[prompt];
        for (int i = 0; i < prompt; i++) tokens[i] = random.nextInt(lm.vocabularySize());
        SequenceState cache = lm.newState(prompt);
        long t0 = System.nanoTime();
        lm.forward(cache, tokens);
        long t1 = System.nanoTime();
        cache = lm.newState(gen);
        for (int i = 0; i < gen; i++) lm.forward(cache, new int[] {random.nextInt(lm.vocabularySize())});
        long t2 = System.nanoTime();
        return new double[] {prompt * 1e9 / (t1 - t0), gen * 1e9 / (t2 - t1)};
    }

    /** Starts the resident high-water mark afresh (Linux: "5" to /proc/self/clear_refs); elsewhere nothing. */
    private static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (Exception e) {
            // not Linux, or not allowed: the peak then includes whatever came before
        }
    }

    /** VmHWM from /proc: the resident high-water mark, mapped weight pages included. */
    static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        } catch (Exception e) {
            // not Linux: report unknown
        }
        return -1;
    }

    private void print(Path path, Measurement muse, Measurement reference) throws Exception {
        long size = Files.size(path);
        System.out.printf("%n| model | size | threads | test | muse t/s |%s%n", reference == null ? "" : " llama.cpp t/s | ratio |");
        System.out.printf("|---|---|---|---|---|%s%n", reference == null ? "" : "---|---|");
        String name = path.getFileName().toString();
        row(name, size, "pp" + promptTokens, muse.promptTokensPerSecond(), reference == null ? -1 : reference.promptTokensPerSecond());
        row(name, size, "tg" + genTokens, muse.generationTokensPerSecond(), reference == null ? -1 : reference.generationTokensPerSecond());
        System.out.printf("%npeak RSS %.1f MiB (file %.1f MiB)%n", muse.peakRssBytes() / 1048576.0, size / 1048576.0);
    }

    private void row(String name, long size, String test, double ours, double theirs) {
        System.out.printf("| %s | %.2f GiB | %d | %s | %.2f |%s%n", name, size / 1073741824.0, Parallel.threads(), test, ours,
                theirs < 0 ? "" : String.format(" %.2f | %.2f |", theirs, ours / theirs));
    }
}
