package dev.muse.bench;

import dev.muse.engine.GgmlType;
import dev.muse.hub.ModelFiles;
import dev.muse.testkit.DecoderShape;
import dev.muse.testkit.RandomDecoder;
import dev.muse.testkit.SyntheticVocab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Random-weight models with real models' exact shapes, so anyone can reproduce the benchmark figures without
 * downloading weights: the testkit's writer at full size, with a synthetic SentencePiece vocabulary of the real size.
 * Timings do not depend on the values.
 */
public final class SyntheticModels {
    private record Spec(DecoderShape shape, int vocabulary) {}

    /** Llama 3.1 RoPE scaling as Llama 3.2's config has it: factor 32, low/high frequency factors 1 and 4, original context 8192. */
    private static final float[] LLAMA3_ROPE = {32f, 1f, 4f, 8192f};

    private static final Map<String, Spec> KNOWN = new TreeMap<>(Map.of(
            "llama-3.2-1b", new Spec(new DecoderShape("llama", 2048, 8192, 16, 32, 8, 64, 131072, 500000f, 1e-5f, 0.02f,
                    true, false, false, false, false, 0, 0f, LLAMA3_ROPE), 128256),
            "smollm2-135m", new Spec(new DecoderShape("llama", 576, 1536, 30, 9, 3, 64, 8192, 100000f, 1e-5f, 0.02f,
                    true, false, false, false, false, 0, 0f, null), 49152),
            "stories15m", new Spec(new DecoderShape("llama", 288, 768, 6, 6, 6, 48, 256, 10000f, 1e-5f, 0.02f,
                    true, false, false, false, false, 0, 0f, null), 32000)));

    private SyntheticModels() {}

    /** The file of the synthetic model {@code name} in {@code type}, written into the model cache the first time. */
    public static Path ensure(String name, GgmlType type) throws IOException {
        Spec spec = KNOWN.get(name);
        if (spec == null) throw new IllegalArgumentException("unknown synthetic model " + name + " (known: " + String.join(", ", KNOWN.keySet()) + ")");
        Path path = ModelFiles.cache().resolve("synthetic-" + name + "-" + type + ".gguf");
        if (!Files.exists(path)) {
            System.err.printf("writing %s (random weights, %s shapes)...%n", path, name);
            Files.createDirectories(path.getParent());
            new RandomDecoder("synthetic " + name, spec.shape(), SyntheticVocab.sentencePiece(spec.vocabulary()), type, type, 20261124)
                    .write(path, m -> { });
        }
        return path;
    }
}
