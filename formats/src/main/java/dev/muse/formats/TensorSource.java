package dev.muse.formats;

import dev.muse.engine.Tensor;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;

/**
 * A weight file, whatever its format: metadata plus named tensors over mapped memory. The metadata is the
 * model's config in GGUF's key names; a reader of a format that keeps its config elsewhere (safetensors'
 * config.json) puts it there under those names. {@link dev.muse.formats.detect.WeightFiles#open} opens one.
 */
public interface TensorSource extends AutoCloseable {
    Path path();

    /** Bytes of the file. */
    long size();

    Metadata metadata();

    List<TensorInfo> tensors();

    /** The tensor's info, or a FormatException naming the missing tensor. */
    TensorInfo info(String name);

    boolean has(String name);

    /** The tensor's data as an engine Tensor (a view of the mapped file, no copy). */
    Tensor tensor(String name);

    /**
     * A hint that bytes [offset, offset + length) of the tensor will not be read again (the model copied them into a
     * layout of its own), so their memory can be given back. Reading them later still works.
     */
    default void release(String name, long offset, long length) {}

    /**
     * Memory that lives as long as this source: copies a model makes of its tensors belong here, so closing the
     * source (unloading the model) gives them back at once rather than at some later garbage collection.
     */
    default Arena memory() { return Arena.ofAuto(); }

    @Override void close();
}
