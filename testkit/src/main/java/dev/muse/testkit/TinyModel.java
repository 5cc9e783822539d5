package dev.muse.testkit;

import dev.muse.engine.GgmlType;
import dev.muse.formats.Metadata;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A tiny random-weight model of a {@link TinyFamily}: the family's shape and real vocabulary written by
 * {@link RandomDecoder}. The same settings always give the same file. Random logits leave some greedy steps with
 * close top-two logits; tests that compare engines account for that (see the golden tests).
 *
 * <pre>
 * Path file = new TinyModel(TinyFamily.QWEN2, GgmlType.Q4_K, 7).write(dir.resolve("qwen2-q4k.gguf"));
 * </pre>
 */
public record TinyModel(TinyFamily family, GgmlType type, GgmlType embeddingType, long seed, int layers) {
    public TinyModel {
        if (layers < 1) throw new IllegalArgumentException("layers must be at least 1");
    }

    /** token_embd.weight in the same type as the other matrices. */
    public TinyModel(TinyFamily family, GgmlType type, long seed, int layers) {
        this(family, type, type, seed, layers);
    }

    /** The family's default number of layers. */
    public TinyModel(TinyFamily family, GgmlType type, long seed) {
        this(family, type, seed, family.shape.layers());
    }

    /** The same model with token_embd.weight stored in another type. */
    public TinyModel withEmbeddingType(GgmlType embedding) {
        return new TinyModel(family, type, embedding, seed, layers);
    }

    /** A short name for files and test reports, such as "qwen2-q4_k" or "llama2-f32-embd_q6_k". */
    public String name() {
        String name = family.name().toLowerCase(Locale.ROOT) + "-" + type.name().toLowerCase(Locale.ROOT);
        return embeddingType == type ? name : name + "-embd_" + embeddingType.name().toLowerCase(Locale.ROOT);
    }

    /** Writes the model to {@code file} (atomically) and returns the path. */
    public Path write(Path file) throws IOException {
        return write(file, m -> { });
    }

    /** Writes the model with extra metadata (a chat template, a pooling type, ...) added by {@code extra}. */
    public Path write(Path file, Consumer<Metadata> extra) throws IOException {
        return writer().write(file, extra);
    }

    /** The writer of this model's file. */
    RandomDecoder writer() {
        return new RandomDecoder("muse-tiny-" + name(), family.shape.withLayers(layers), family.vocab.metadata(), type, embeddingType, seed);
    }
}
