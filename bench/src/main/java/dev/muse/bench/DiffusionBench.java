package dev.muse.bench;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Ops;
import dev.muse.engine.Parallel;
import dev.muse.hub.ModelFiles;
import dev.muse.models.diffusion.StableDiffusion;
import dev.muse.testkit.TinyPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * `muse bench --diffusion NAME`: a Stable Diffusion pipeline's costs, a folder from the model cache or with --synthetic a
 * random-weight one of SD-Turbo's real shapes (written once into the cache's .bench folder, where the model listing does
 * not look): prompt encoding, one UNet step (a Turbo step: no guidance, one UNet call), the VAE decode, a whole 1-step
 * picture, and the peak RSS. Random weights: the arithmetic is that of real ones.
 */
public final class DiffusionBench {
    private DiffusionBench() {}

    /** The random-weight pipeline of SD-Turbo's shapes in {@code type}, written into the cache the first time. */
    public static Path synthetic(String name, GgmlType type) throws IOException {
        if (!name.equals("sd-turbo")) throw new IllegalArgumentException("no synthetic pipeline " + name + " (known: sd-turbo)");
        Path folder = ModelFiles.cache().resolve(".bench").resolve("synthetic-" + name + "-" + type.name().toLowerCase(Locale.ROOT));
        if (!Files.isRegularFile(folder.resolve("model_index.json"))) {
            System.err.printf("writing %s (random weights, %s shapes, about 2.6 GB in F16)...%n", folder, name);
            TinyPipeline.sdTurbo(type, 20261207).write(folder.resolve("unet").getParent());
        }
        return folder;
    }

    /** Times the pipeline at {@code folder}: {@code repetitions} 1-step pictures of {@code width} x {@code height} after a warm-up. */
    public static int run(Path folder, int repetitions, int width, int height) throws Exception {
        System.err.printf("benchmarking %s with %d threads at %dx%d%n", folder, Parallel.threads(), width, height);
        long loadStart = System.nanoTime();
        double text = Double.MAX_VALUE, step = Double.MAX_VALUE, decode = Double.MAX_VALUE, whole = Double.MAX_VALUE;
        double load;
        try (StableDiffusion sd = StableDiffusion.load(folder, Ops.cpu())) {
            load = (System.nanoTime() - loadStart) / 1e9;
            var request = new StableDiffusion.Request("a red fox in snow, watercolor", null, width, height, 1, 0, 42);
            for (int r = 0; r <= repetitions; r++) { // the first round warms the JIT up and is not counted
                long start = System.nanoTime();
                StableDiffusion.Timings t = sd.generate(request, (done, preview) -> {}).timings();
                double seconds = (System.nanoTime() - start) / 1e9;
                System.err.printf(Locale.ROOT, "  %s: text %.2f s, UNet step %.2f s, VAE decode %.2f s, picture %.2f s%n",
                        r == 0 ? "warm-up" : "repetition " + r, t.textNanos() / 1e9, Arrays.stream(t.stepNanos()).sum() / 1e9, t.decodeNanos() / 1e9, seconds);
                if (r == 0) continue;
                text = Math.min(text, t.textNanos() / 1e9);
                step = Math.min(step, Arrays.stream(t.stepNanos()).sum() / 1e9);
                decode = Math.min(decode, t.decodeNanos() / 1e9);
                whole = Math.min(whole, seconds);
            }
        }
        long rss = WhisperBench.peakRssBytes();
        System.out.printf("%n| pipeline | threads | size | text encode s | UNet step s | VAE decode s | 1-step picture s |%n|---|---|---|---|---|---|---|%n");
        System.out.printf(Locale.ROOT, "| %s | %d | %dx%d | %.2f | %.2f | %.2f | %.2f |%n", folder.getFileName(), Parallel.threads(), width, height, text, step,
                decode, whole);
        System.out.printf(Locale.ROOT, "%nbest of %d repetitions after one warm-up; load %.1f s; peak RSS %.0f MiB (files %.0f MiB)%n", repetitions, load,
                rss / 1048576.0, ModelFiles.bytes(folder) / 1048576.0);
        return 0;
    }
}
