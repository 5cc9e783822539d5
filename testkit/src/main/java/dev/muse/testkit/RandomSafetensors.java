package dev.muse.testkit;

import dev.muse.engine.GgmlType;
import dev.muse.formats.safetensors.SafetensorsWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A random-weight safetensors file in the making, in PyTorch's names and shapes: layers are added by kind (linear,
 * norm, convolution) with the value scales every tiny model here uses, then written. F32 or F16.
 */
final class RandomSafetensors {
    private final RandomTensors random;
    private final GgmlType type;
    private final List<SafetensorsWriter.Entry> tensors = new ArrayList<>();

    RandomSafetensors(long seed, GgmlType type) {
        if (type != GgmlType.F32 && type != GgmlType.F16) throw new IllegalArgumentException("random safetensors files are F32 or F16, not " + type);
        this.random = new RandomTensors(seed);
        this.type = type;
    }

    /** mean + std * N(0, 1) values of the given PyTorch shape. */
    RandomSafetensors tensor(String name, float mean, float std, int... shape) {
        long n = 1;
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) n *= dims[i] = shape[i];
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            random.values(name, type, n, mean, std).writeTo(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tensors.add(new SafetensorsWriter.Entry(name, type == GgmlType.F16 ? "F16" : "F32", dims, bytes.toByteArray()));
        return this;
    }

    /** A Linear layer: weight [out, in] with std 1/sqrt(in), bias [out]. */
    RandomSafetensors linear(String prefix, int out, int in) {
        tensor(prefix + ".weight", 0f, (float) (1 / Math.sqrt(in)), out, in);
        return tensor(prefix + ".bias", 0f, 0.05f, out);
    }

    /** A LayerNorm or GroupNorm: weight near 1, bias near 0. */
    RandomSafetensors norm(String prefix, int n) {
        tensor(prefix + ".weight", 1f, 0.1f, n);
        return tensor(prefix + ".bias", 0f, 0.05f, n);
    }

    /** A Conv2d: weight [out, in, k, k] with std 1/sqrt(in k k), bias [out]. */
    RandomSafetensors conv(String prefix, int out, int in, int k) {
        tensor(prefix + ".weight", 0f, (float) (1 / Math.sqrt(in * k * k)), out, in, k, k);
        return tensor(prefix + ".bias", 0f, 0.05f, out);
    }

    void write(Path file) throws IOException {
        SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));
    }
}
