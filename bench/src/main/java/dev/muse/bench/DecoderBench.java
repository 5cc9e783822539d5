package dev.muse.bench;

import dev.muse.engine.Parallel;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.models.Decoder;
import dev.muse.models.Models;
import dev.muse.models.SequenceState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * What llama-bench measures, on Muse's forward pass: prompt processing (ppN: N random tokens as one batch into a
 * fresh state) and generation (tgN: N single-token steps), tokens per second, and the peak resident memory. With
 * llama-bench's binary, its repetitions alternate with Muse's on the same file, and the table has ratios.
 */
public final class DecoderBench {
    /** Tokens per second of each test and the peak RSS (-1 when unknown). */
    record Measurement(double promptTokensPerSecond, double generationTokensPerSecond, long peakRssBytes) {}

    /** Muse's means and peak RSS, and llama.cpp's means (null without llama-bench). */
    private record Comparison(Measurement muse, Measurement llamaCpp) {}

    private final int promptTokens, genTokens, repetitions;
    private final Path llamaBench;

    /** @param llamaBench llama.cpp's llama-bench binary to run side by side, or null */
    public DecoderBench(int promptTokens, int genTokens, int repetitions, Path llamaBench) {
        this.promptTokens = promptTokens;
        this.genTokens = genTokens;
        this.repetitions = repetitions;
        this.llamaBench = llamaBench;
    }

    /** Benchmarks the model in {@code path} and prints the table to stdout (progress to stderr). */
    public void run(Path path) throws Exception {
        System.err.printf("benchmarking %s with %d threads%n", path, Parallel.threads());
        Comparison both;
        try (GgufFile file = GgufFile.open(path)) {
            resetPeakRss(); // writing a synthetic file is not what is measured
            Decoder lm = Models.decoder(file);
            // Warm-up, not timed (llama-bench warms up too): the JIT compiles the kernels of both paths. A prompt of
            // 64 tokens takes the tiled prompt kernels (16 tokens did not); generation settles after about 8 steps, so
            // 4 had left the first timed tgN a few percent slow.
            System.err.println("  warm-up run (not timed)");
            once(lm, Math.min(promptTokens, 64), Math.min(genTokens, 32));
            both = measure(lm, path);
        }
        print(path, both.muse(), both.llamaCpp());
    }

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
            double[] result = once(lm, promptTokens, genTokens);
            pp += result[0] / repetitions;
            tg += result[1] / repetitions;
            System.err.printf("  repetition %d: pp%d %.2f t/s, tg%d %.2f t/s%n", r + 1, promptTokens, result[0], genTokens, result[1]);
            if (llamaBench == null) continue;
            Measurement ref = LlamaBench.run(llamaBench, path, promptTokens, genTokens, 1, Parallel.threads());
            refPp += ref.promptTokensPerSecond() / repetitions;
            refTg += ref.generationTokensPerSecond() / repetitions;
            System.err.printf("  llama.cpp   %d: pp%d %.2f t/s, tg%d %.2f t/s (ratios %.2f, %.2f)%n", r + 1, promptTokens,
                    ref.promptTokensPerSecond(), genTokens, ref.generationTokensPerSecond(),
                    result[0] / ref.promptTokensPerSecond(), result[1] / ref.generationTokensPerSecond());
        }
        Measurement muse = new Measurement(pp, tg, peakRss());
        return new Comparison(muse, llamaBench == null ? null : new Measurement(refPp, refTg, -1));
    }

    /** One ppN run (a fresh state, N random tokens as one batch) and one tgN run (N single-token steps from empty). */
    private static double[] once(Decoder lm, int prompt, int gen) {
        SplittableRandom random = new SplittableRandom(prompt * 31L + gen);
        int[] tokens = new int[prompt];
        for (int i = 0; i < prompt; i++) tokens[i] = random.nextInt(lm.vocabularySize());
        SequenceState state = lm.newState(prompt);
        long t0 = System.nanoTime();
        lm.forward(state, tokens);
        long t1 = System.nanoTime();
        state = lm.newState(gen);
        for (int i = 0; i < gen; i++) lm.forward(state, new int[] {random.nextInt(lm.vocabularySize())});
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
    private static long peakRss() {
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
