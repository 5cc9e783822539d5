package dev.muse.cli;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Ops;
import dev.muse.engine.Parallel;
import dev.muse.formats.Metadata;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.formats.gguf.GgufWriter;
import dev.muse.models.siglip.VisionEncoder;
import dev.muse.hub.ModelFiles;
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
final class VisionBench {
    /** A SigLIP tower and its projector, with the shapes of the published ggml-org mmproj files. */
    record Tower(String name, String projector, int imageSize, int patchSize, int layers, int dim, int ffn, int heads,
                 int scaleFactor, boolean writeScaleFactor, int projectionDim) {
        int patches() { return (imageSize / patchSize) * (imageSize / patchSize); }
    }

    static final Map<String, Tower> KNOWN = new TreeMap<>(Map.of(
            // SmolVLM-256M's SigLIP base: 512 px, patch 16, 12 layers of 768, pixel shuffle by 4 -> 64 tokens of 576
            "smolvlm", new Tower("smolvlm", "idefics3", 512, 16, 12, 768, 3072, 12, 4, true, 576),
            // Gemma 3 4B's SigLIP so400m: 896 px, patch 14, 27 layers of 1152, pool by 4 -> 256 tokens of 2560
            "gemma3", new Tower("gemma3", "gemma3", 896, 14, 27, 1152, 4304, 16, 4, false, 2560)));

    private static final Pattern PROBE_TIME = Pattern.compile("encode ms: best ([0-9.]+) mean ([0-9.]+)");

    private VisionBench() {}

    static Tower named(String name) {
        Tower t = KNOWN.get(name);
        if (t == null) throw new IllegalArgumentException("unknown vision tower " + name + " (known: " + String.join(", ", KNOWN.keySet()) + ")");
        return t;
    }

    static int run(String name, GgmlType type, int repetitions, Path probe) throws Exception {
        Tower t = named(name);
        Path path = ModelFiles.cache().resolve("synthetic-mmproj-" + t.name() + "-" + type + ".gguf");
        if (!Files.exists(path)) {
            System.err.printf("writing %s (random weights, %s shapes)...%n", path, t.name());
            write(t, type, path);
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
        System.out.printf("| %s | %s | %d | %d | %d x %d | %d | %.0f |%s%n", t.name(), type, t.imageSize(), t.patches(), tokens, dim,
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

    /** The mmproj file llama.cpp's converter would write for this tower (F32 embeddings, F16 input projection). */
    static void write(Tower t, GgmlType type, Path out) throws IOException {
        Metadata m = new Metadata()
                .putString("general.architecture", "clip")
                .putString("general.type", "mmproj")
                .putString("general.name", "synthetic " + t.name() + " vision tower")
                .putBool("clip.has_vision_encoder", true)
                .putString("clip.projector_type", t.projector())
                .putBool("clip.use_gelu", true)
                .putUInt32("clip.vision.projection_dim", t.projectionDim())
                .putUInt32("clip.vision.image_size", t.imageSize())
                .putUInt32("clip.vision.patch_size", t.patchSize())
                .putUInt32("clip.vision.embedding_length", t.dim())
                .putUInt32("clip.vision.feed_forward_length", t.ffn())
                .putUInt32("clip.vision.block_count", t.layers())
                .putUInt32("clip.vision.attention.head_count", t.heads())
                .putFloats("clip.vision.image_mean", new float[] {0.5f, 0.5f, 0.5f})
                .putFloats("clip.vision.image_std", new float[] {0.5f, 0.5f, 0.5f})
                .putFloat32("clip.vision.attention.layer_norm_epsilon", 1e-6f);
        if (t.writeScaleFactor()) m.putUInt32("clip.vision.projector.scale_factor", t.scaleFactor());
        GgufWriter w = new GgufWriter(m);
        SplittableRandom seeds = new SplittableRandom(20261125);
        int dim = t.dim(), p = t.patchSize();
        w.addTensor("v.patch_embd.weight", GgmlType.F32, new long[] {p, p, 3, dim}, SyntheticModel.random(GgmlType.F32, 3L * p * p * dim, (float) (1 / Math.sqrt(3 * p * p)), seeds.nextLong()));
        w.addTensor("v.patch_embd.bias", GgmlType.F32, new long[] {dim}, SyntheticModel.random(GgmlType.F32, dim, 0.02f, seeds.nextLong()));
        w.addTensor("v.position_embd.weight", GgmlType.F32, new long[] {dim, t.patches()}, SyntheticModel.random(GgmlType.F32, (long) dim * t.patches(), 0.02f, seeds.nextLong()));
        for (int l = 0; l < t.layers(); l++) {
            String b = "v.blk." + l + ".";
            for (String norm : new String[] {"ln1", "ln2"}) {
                w.addTensor(b + norm + ".weight", GgmlType.F32, new long[] {dim}, SyntheticModel.random(GgmlType.F32, dim, 0.02f, seeds.nextLong()));
                w.addTensor(b + norm + ".bias", GgmlType.F32, new long[] {dim}, SyntheticModel.random(GgmlType.F32, dim, 0.02f, seeds.nextLong()));
            }
            for (String a : new String[] {"attn_q", "attn_k", "attn_v", "attn_out"}) {
                w.addTensor(b + a + ".weight", type, new long[] {dim, dim}, SyntheticModel.random(type, (long) dim * dim, (float) (1 / Math.sqrt(dim)), seeds.nextLong()));
                w.addTensor(b + a + ".bias", GgmlType.F32, new long[] {dim}, SyntheticModel.random(GgmlType.F32, dim, 0.02f, seeds.nextLong()));
            }
            w.addTensor(b + "ffn_up.weight", type, new long[] {dim, t.ffn()}, SyntheticModel.random(type, (long) dim * t.ffn(), (float) (1 / Math.sqrt(dim)), seeds.nextLong()));
            w.addTensor(b + "ffn_up.bias", GgmlType.F32, new long[] {t.ffn()}, SyntheticModel.random(GgmlType.F32, t.ffn(), 0.02f, seeds.nextLong()));
            w.addTensor(b + "ffn_down.weight", type, new long[] {t.ffn(), dim}, SyntheticModel.random(type, (long) dim * t.ffn(), (float) (1 / Math.sqrt(t.ffn())), seeds.nextLong()));
            w.addTensor(b + "ffn_down.bias", GgmlType.F32, new long[] {dim}, SyntheticModel.random(GgmlType.F32, dim, 0.02f, seeds.nextLong()));
        }
        w.addTensor("v.post_ln.weight", GgmlType.F32, new long[] {dim}, SyntheticModel.random(GgmlType.F32, dim, 0.02f, seeds.nextLong()));
        w.addTensor("v.post_ln.bias", GgmlType.F32, new long[] {dim}, SyntheticModel.random(GgmlType.F32, dim, 0.02f, seeds.nextLong()));
        if (t.projector().equals("idefics3")) {
            int in = dim * t.scaleFactor() * t.scaleFactor();
            w.addTensor("mm.model.fc.weight", type, new long[] {in, t.projectionDim()}, SyntheticModel.random(type, (long) in * t.projectionDim(), (float) (1 / Math.sqrt(in)), seeds.nextLong()));
        } else {
            w.addTensor("mm.input_projection.weight", GgmlType.F16, new long[] {t.projectionDim(), dim},
                    SyntheticModel.random(GgmlType.F16, (long) dim * t.projectionDim(), (float) (1 / Math.sqrt(dim)), seeds.nextLong()));
            w.addTensor("mm.soft_emb_norm.weight", GgmlType.F32, new long[] {dim}, SyntheticModel.random(GgmlType.F32, dim, 0.02f, seeds.nextLong()));
        }
        w.write(out);
    }

}
