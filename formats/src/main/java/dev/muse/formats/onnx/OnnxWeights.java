package dev.muse.formats.onnx;

import dev.muse.engine.F32Tensor;
import dev.muse.engine.GgmlType;
import dev.muse.engine.Tensor;
import dev.muse.formats.FormatException;
import dev.muse.formats.Metadata;
import dev.muse.formats.TensorInfo;
import dev.muse.formats.TensorSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model's float32 weights ({@link OnnxTensors}) as a {@link TensorSource}, so a model loads them as from any
 * weight file: by their PyTorch names, shapes in GGUF's order (innermost first). Held on the heap (they were read from
 * the protobuf); there is no metadata: the model's config comes from elsewhere.
 */
public final class OnnxWeights implements TensorSource {
    private final Path path;
    private final long size;
    private final Map<String, OnnxTensors.Floats> tensors;

    private OnnxWeights(Path path, long size, Map<String, OnnxTensors.Floats> tensors) {
        this.path = path;
        this.size = size;
        this.tensors = tensors;
    }

    public static OnnxWeights open(Path path) throws IOException {
        return new OnnxWeights(path, Files.size(path), OnnxTensors.read(path));
    }

    /** The weights of an ONNX model's bytes (a model shipped as a resource), {@code name} standing for its path. */
    public static OnnxWeights of(byte[] file, String name) {
        return new OnnxWeights(Path.of(name), file.length, OnnxTensors.read(file, name));
    }

    @Override public Path path() { return path; }

    @Override public long size() { return size; }

    @Override public Metadata metadata() { return new Metadata(); }

    @Override public List<TensorInfo> tensors() {
        List<TensorInfo> out = new ArrayList<>();
        for (String name : tensors.keySet()) out.add(info(name));
        return out;
    }

    @Override public TensorInfo info(String name) {
        OnnxTensors.Floats f = tensors.get(name);
        if (f == null) throw new FormatException(path.getFileName() + " has no tensor " + name);
        long[] ggml = new long[f.dims().length];
        for (int i = 0; i < ggml.length; i++) ggml[i] = f.dims()[f.dims().length - 1 - i];
        return new TensorInfo(name, GgmlType.F32, ggml, 0);
    }

    @Override public boolean has(String name) { return tensors.containsKey(name); }

    @Override public Tensor tensor(String name) {
        info(name);
        return F32Tensor.ofFloats(tensors.get(name).values());
    }

    @Override public void close() {}
}
