package dev.muse.engine;

/** Where a loaded weight matrix is re-laid out for fast generation (see the two layouts' class comments). */
public final class MatrixLayout {
    private MatrixLayout() {}

    /** Told which byte ranges of the source matrix have been copied and will not be read again. */
    @FunctionalInterface
    public interface Copied {
        void bytes(long offset, long length);
    }

    /**
     * The weight matrix w (rows x cols, GGUF order) in the layout generation streams fastest: column blocks when
     * its rows are wider than {@link ColumnBlockedTensor#BLOCK_COLS}, Q4_0 rows in groups of one per vector lane
     * (within each column block, or over the whole matrix). A copy in native memory, or w itself when no layout
     * applies. Ranges of w are reported to copied as soon as they are copied, so a caller can release the source's
     * pages while the copy grows, and the two never both hold a large matrix (the tied Llama 3.2 1B embedding is
     * 148 MB in Q4_0).
     */
    public static Tensor forGeneration(Tensor w, int rows, int cols, Copied copied) {
        Tensor blocked = ColumnBlockedTensor.of(w, rows, cols);
        if (blocked != w) {
            copied.bytes(0, w.data().byteSize());
            return blocked;
        }
        return Q4_0RowGroupTensor.fits(w, rows) ? Q4_0RowGroupTensor.copyOf(w, rows, cols, copied) : w;
    }

    /** As {@link #forGeneration(Tensor, int, int, Copied)}, for a source that has nothing to release. */
    public static Tensor forGeneration(Tensor w, int rows, int cols) {
        return forGeneration(w, rows, cols, (offset, length) -> {});
    }
}
