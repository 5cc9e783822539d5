package dev.muse.engine;

/** Where a loaded weight matrix is re-laid out for fast generation (see the two layouts' class comments). */
public final class MatrixLayout {
    private MatrixLayout() {}

    /**
     * The weight matrix w (rows x cols, GGUF order) in the layout generation streams fastest: column blocks when
     * its rows are wider than {@link ColumnBlockedTensor#BLOCK_COLS}, Q4_0 rows in groups of one per vector lane
     * (within each column block, or over the whole matrix). A copy in native memory, or w itself when no layout
     * applies: a caller seeing a new tensor may release w's pages.
     */
    public static Tensor forGeneration(Tensor w, int rows, int cols) {
        Tensor blocked = ColumnBlockedTensor.of(w, rows, cols);
        if (blocked != w || !Q4_0RowGroupTensor.fits(w, rows)) return blocked;
        return Q4_0RowGroupTensor.copyOf(w, rows, cols);
    }
}
