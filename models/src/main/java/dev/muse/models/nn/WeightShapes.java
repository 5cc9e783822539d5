package dev.muse.models.nn;

import dev.muse.engine.ColumnBlockedTensor;
import dev.muse.engine.MatrixLayout;
import dev.muse.engine.Tensor;
import dev.muse.formats.FormatException;
import dev.muse.formats.TensorSource;
import java.util.function.Function;
import java.util.function.IntFunction;

/** Fetches a model's tensors by GGUF name, checking each shape before the forward pass relies on it. */
public final class WeightShapes {
    private WeightShapes() {}

    /**
     * A weight the forward pass multiplies by as a [rows, cols] matrix (ggml shape {cols, rows}); rows wider than
     * {@link ColumnBlockedTensor#BLOCK_COLS} are laid out in column blocks and Q4_0 rows in groups
     * ({@link MatrixLayout}), which generation streams faster.
     */
    public static Tensor matrix(TensorSource source, String name, int rows, int cols) {
        var info = source.info(name);
        if (info.dim(0) != cols || info.dim(1) != rows || info.dimensions() > 2)
            throw new FormatException("tensor " + name + " should be [" + rows + " x " + cols + "] but is " + info);
        // the copy takes the place of the file's pages in memory rather than adding to them
        return MatrixLayout.forGeneration(source.tensor(name), rows, cols, source.memory(), (offset, length) -> source.release(name, offset, length));
    }

    public static Tensor vector(TensorSource source, String name, int length) {
        var info = source.info(name);
        if (info.elements() != length) throw new FormatException("tensor " + name + " should have " + length + " elements but is " + info);
        return source.tensor(name);
    }

    /** Loads each of {@code count} layers from the tensors named "blk.{i}." + ..., given that prefix. */
    public static <L> L[] layers(int count, IntFunction<L[]> array, Function<String, L> load) {
        L[] layers = array.apply(count);
        for (int i = 0; i < count; i++) layers[i] = load.apply("blk." + i + ".");
        return layers;
    }

    public static Tensor optionalVector(TensorSource source, String name, int length) {
        return source.has(name) ? vector(source, name, length) : null;
    }
}
