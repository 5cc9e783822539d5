package dev.muse.bench;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Ops;
import dev.muse.engine.Parallel;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.hub.ModelFiles;
import dev.muse.models.siglip.VisionEncoder;
import dev.muse.testkit.TinyVision;
import dev.muse.testkit.TinyVision.Tower;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * `muse bench --vision NAME`: the time to encode one image at the tower's native resolution, on a random-weight
 * mmproj file with a real vision tower's exact shapes (written once into the model cache), optionally side by
 * side with llama.cpp's clip_image_encode through the mtmd probe (a scratch program built against libmtmd; see
 * docs/bench.md). Random weights and a synthetic image: the arithmetic is the same as with real ones.
 */
public final class VisionBench {
    private static final float[] HALF = {0.5f, 0.5f, 0.5f};

    /** Real towers, with the shapes of the published ggml-org mmproj files. */
    static final Map<String, Tower> KNOWN = new TreeMap<>(Map.of(
            // SmolVLM-256M's SigLIP base: 512 px, patch 16, 12 layers of 768, pixel shuffle by 4 -> 64 tokens of 576
            "smolvlm", new Tower("smolvlm", "idefics3", 512, 16, 768, 3072, 12, 12, 1e-6f, 4, 0, 576, HALF, HALF),
            // Gemma 3 4B's SigLIP so400m: 896 px, patch 14, 27 layers of 1152, pool by 4 -> 256 tokens of 2560
            "gemma3", new Tower("gemma3", "gemma3", 896, 14, 1152, 4304, 27, 16, 1e-6f, 4, 0, 2560, HALF, HALF)));

    private static final Pattern PROBE_TIME = Pattern.compile("encode ms: best ([0-9.]+) mean ([0-9.]+)");

    private VisionBench() {}

    private static Tower named(String name) {
        Tower t = KNOWN.get(name);
        if (t == null) throw new IllegalArgumentException("unknown vision tower " + name + " (known: " + String.join(", ", KNOWN.keySet()) + ")");
        return t;
    }

    /** Encodes one image of the tower named {@code name} (smolvlm, gemma3) {@code repetitions} times after a warm-up, beside the probe when given. */
    public static int run(String name, GgmlType type, int repetitions, Path probe) throws Exception {
        Tower t = named(name);
        // named as a projector, so the cache listing does not offer it as a model of its own
        Path path = ModelFiles.cache().resolve(ModelFiles.PROJECTOR_PREFIX + "synthetic-" + t.name() + "-" + type + ".gguf");
        if (!Files.exists(path)) {
            System.err.printf("writing %s (random weights, %s shapes)...%n", path, t.name());
            new TinyVision(t, type, 20261125).write(path);
        }
        System.err.printf("benchmarking %s with %d threads%n", path, Parallel.threads());
        double best = Double.MAX_VALUE, sum = 0;
        int tokens, dim;
        try (GgufFile file = GgufFile.open(path)) {
            VisionEncoder encoder = VisionEncoder.load(file, Ops.cpu());
            tokens = encoder.tokensPerImage();
            dim = encoder.outputDim();
            float[] pixels = syntheticPixels(t.imageSize());
            long w0 = System.nanoTime();
            encoder.encode(pixels, t.imageSize(), t.imageSize()); // warm-up: JIT-compile the kernels before anything is timed
            System.err.printf("  warm-up: %.1f ms%n", (System.nanoTime() - w0) / 1e6);
            for (int r = 0; r < repetitions; r++) {
                long t0 = System.nanoTime();
                encoder.encode(pixels, t.imageSize(), t.imageSize());
                double ms = (System.nanoTime() - t0) / 1e6;
                System.err.printf("  repetition %d: %.1f ms%n", r + 1, ms);
                best = Math.min(best, ms);
                sum += ms;
            }
        }
        double mean = sum / repetitions, reference = probe == null ? -1 : runProbe(probe, path, t.imageSize(), repetitions);
        System.out.printf("%n| tower | weights | image | patches | tokens x dim | threads | muse ms/image |%s%n",
                reference < 0 ? "" : " llama.cpp ms/image | speed ratio |");
        System.out.printf("|---|---|---|---|---|---|---|%s%n", reference < 0 ? "" : "---|---|");
        System.out.printf("| %s | %s | %d | %d | %d x %d | %d | %.0f |%s%n", t.name(), type, t.imageSize(), t.patchesPerSide() * t.patchesPerSide(), tokens, dim,
                Parallel.threads(), mean, reference < 0 ? "" : String.format(" %.0f | %.2f |", reference, reference / mean));
        System.out.printf("%nmuse best %.0f ms, mean %.0f ms over %d repetitions after one warm-up%n", best, mean, repetitions);
        return 0;
    }

    /** Runs the mtmd probe's encode mode (its own warm-up is clip_init's) and returns its mean ms per image. */
    private static double runProbe(Path probe, Path model, int size, int repetitions) throws IOException, InterruptedException {
        if (!Files.isExecutable(probe)) throw new IllegalArgumentException("mtmd probe not executable: " + probe);
        List<String> command = List.of(probe.toString(), "--threads", String.valueOf(Parallel.threads()), "--reps", String.valueOf(repetitions),
                "encode", model.toString(), String.valueOf(size), String.valueOf(size));
        System.err.println("running " + String.join(" ", command));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0)
            throw new IOException("mtmd probe failed (exit " + (process.isAlive() ? "timeout" : process.exitValue()) + "):\n" + output);
        System.err.print(output.lines().filter(l -> l.startsWith("encode ")).map(l -> "  llama.cpp " + l + "\n").reduce("", String::concat));
        Matcher m = PROBE_TIME.matcher(output);
        if (!m.find()) throw new IOException("no timing in the mtmd probe's output:\n" + output);
        return Double.parseDouble(m.group(2));
    }

    /** Any pixels in [-1, 1] do: timings do not depend on values. */
    private static float[] syntheticPixels(int size) {
        SplittableRandom r = new SplittableRandom(896);
        float[] chw = new float[3 * size * size];
        for (int i = 0; i < chw.length; i++) chw[i] = (float) (r.nextDouble() * 2 - 1);
        return chw;
    }
}
