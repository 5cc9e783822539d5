package dev.muse.formats;

import dev.muse.engine.Tensor;
import java.lang.foreign.Arena;
import java.util.List;

/** A weight file, whatever its format: metadata plus named tensors over mapped memory. */
public interface TensorSource extends AutoCloseable {
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
