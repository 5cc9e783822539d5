package dev.muse.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Where a loaded weight matrix is re-laid out for fast generation (see the two layouts' class comments). */
public final class MatrixLayout {
    private static final long COPY_CHUNK = 1L << 20;

    private MatrixLayout() {}

    /** Told which byte ranges of the source matrix have been copied and will not be read again. */
    @FunctionalInterface
    public interface Copied {
        void bytes(long offset, long length);
    }

    /**
     * The weight matrix w (rows x cols, GGUF order) in the layout generation streams fastest: column blocks when
     * its rows are wider than {@link ColumnBlockedTensor#BLOCK_COLS}, Q4_0 rows in groups of one per vector lane
     * (within each column block, or over the whole matrix). A copy in {@link WeightMemory}; where no layout applies,
     * a plain copy when that memory is on huge pages (2 MiB and more on Linux: Llama-3.2-1B Q8_0 generation ran
     * about 10% faster from it than from the file's mapping), else w itself. Ranges of w are reported to copied as
     * soon as they are copied, so a caller can release the source's pages while the copy grows, and the two never
     * both hold a large matrix (the tied Llama 3.2 1B embedding is 148 MB in Q4_0, 279 MB in Q8_0). The copy's
     * memory belongs to arena: a model's weights go when its file closes, not at some later garbage collection.
     */
    public static Tensor forGeneration(Tensor w, int rows, int cols, Arena arena, Copied copied) {
        Tensor blocked = ColumnBlockedTensor.of(w, rows, cols, ColumnBlockedTensor.BLOCK_COLS, arena);
        if (blocked != w) {
            copied.bytes(0, w.data().byteSize());
            return blocked;
        }
        if (Q4_0RowGroupTensor.fits(w, rows)) return Q4_0RowGroupTensor.copyOf(w, rows, cols, arena, copied);
        return WeightMemory.onHugePages(w.data().byteSize()) ? copy(w, arena, copied) : w;
    }

    /** w's bytes in weight memory, copied a megabyte at a time and each megabyte reported once copied. */
    private static Tensor copy(Tensor w, Arena arena, Copied copied) {
        MemorySegment source = w.data(), target = WeightMemory.allocate(source.byteSize(), arena);
        for (long at = 0, size = source.byteSize(); at < size; at += COPY_CHUNK) {
            long length = Math.min(COPY_CHUNK, size - at);
            MemorySegment.copy(source, at, target, at, length);
            copied.bytes(at, length);
        }
        return Tensor.of(w.type(), target, w.size());
    }

    /** As {@link #forGeneration(Tensor, int, int, Arena, Copied)}, in an automatic arena, with nothing to release. */
    public static Tensor forGeneration(Tensor w, int rows, int cols) {
        return forGeneration(w, rows, cols, Arena.ofAuto(), (offset, length) -> {});
    }
}
