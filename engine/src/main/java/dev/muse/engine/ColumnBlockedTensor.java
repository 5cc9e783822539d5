package dev.muse.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A weight matrix of rows x cols stored as column blocks: block k holds columns [k*blockCols,
 * min(cols, (k+1)*blockCols)) of every row, row after row, as a tensor of the same type. Blocks lie one after
 * another in {@link #data()}, which is therefore this layout and not the GGUF one.
 *
 * <p>Why: generating a token multiplies each weight matrix by one activation vector, streaming every weight row
 * once against the whole vector. With rows wider than 2048 columns that vector (more than 8 KiB of floats) and the
 * streamed weights no longer fit in the L1 cache together, and one core's weight stream from memory halves
 * (Q8_0 rows of 8192 columns: 8.8 GB/s, against 20.9 GB/s when the same rows meet 2048 floats). Per column block
 * the activation slice stays in L1 and each block's rows are still one ascending stream, so {@link MatmulKernels} runs a
 * blocked matrix block by block and adds the partial products.
 */
public final class ColumnBlockedTensor implements Tensor {
    /** Widest block: 2048 floats of activations (8 KiB) share the 32 KiB L1 with the weight stream. */
    public static final int BLOCK_COLS = 2048;

    private final MemorySegment data;
    private final Tensor[] blocks;
    private final int rows, cols, blockCols;

    private ColumnBlockedTensor(MemorySegment data, Tensor[] blocks, int rows, int cols, int blockCols) {
        this.data = data;
        this.blocks = blocks;
        this.rows = rows;
        this.cols = cols;
        this.blockCols = blockCols;
    }

    /**
     * The matrix w (rows x cols, row-major) as column blocks of {@link #BLOCK_COLS}, copied out of w's memory into
     * plain native memory (Q4_0 blocks with rows in groups, {@link Q4_0RowGroupTensor}); w itself when its rows
     * are no wider than a block.
     */
    public static Tensor of(Tensor w, int rows, int cols) {
        return of(w, rows, cols, BLOCK_COLS, Arena.ofAuto());
    }

    /**
     * As {@link #of(Tensor, int, int)} with a given block width (a multiple of the type's block size), the copy's
     * memory belonging to arena.
     */
    static Tensor of(Tensor w, int rows, int cols, int blockCols, Arena arena) {
        if (cols <= blockCols || w instanceof ColumnBlockedTensor) return w;
        GgmlType type = w.type();
        if (blockCols % type.blockSize != 0) throw new IllegalArgumentException(blockCols + " columns is not a whole number of " + type + " blocks");
        if ((long) rows * cols != w.size()) throw new IllegalArgumentException(rows + " x " + cols + " does not match a tensor of " + w.size() + " elements");
        MemorySegment source = w.data();
        long rowBytes = type.byteSize(cols);
        MemorySegment data = WeightMemory.allocate(source.byteSize(), arena);
        Tensor[] blocks = new Tensor[(cols + blockCols - 1) / blockCols];
        long at = 0;
        for (int k = 0; k < blocks.length; k++) {
            int width = Math.min(blockCols, cols - k * blockCols);
            long from = type.byteSize((long) k * blockCols), bytes = type.byteSize(width), start = at;
            for (int r = 0; r < rows; r++, at += bytes) MemorySegment.copy(source, r * rowBytes + from, data, at, bytes);
            Tensor block = Tensor.of(type, data.asSlice(start, at - start), (long) rows * width);
            blocks[k] = Q4_0RowGroupTensor.fits(block, rows) ? Q4_0RowGroupTensor.inPlace(block, rows, width) : block;
        }
        return new ColumnBlockedTensor(data, blocks, rows, cols, blockCols);
    }

    int blockCount() { return blocks.length; }

    Tensor block(int k) { return blocks[k]; }

    int blockColumns() { return blockCols; }

    int width(int k) { return Math.min(blockCols, cols - k * blockCols); }

    @Override public GgmlType type() { return blocks[0].type(); }

    @Override public long size() { return (long) rows * cols; }

    @Override public MemorySegment data() { return data; }

    @Override public float get(long index) {
        int row = (int) (index / cols), col = (int) (index % cols), k = col / blockCols;
        return blocks[k].get((long) row * width(k) + col - k * blockCols);
    }

    @Override public void dequantize(long offset, float[] out, int outOffset, int n) {
        while (n > 0) {
            int m = run(offset, n);
            blocks[blockOf(offset)].dequantize(blockOffset(offset), out, outOffset, m);
            offset += m;
            outOffset += m;
            n -= m;
        }
    }

    @Override public float dot(long offset, float[] x, int xOffset, int n) {
        float sum = 0f;
        while (n > 0) {
            int m = run(offset, n);
            sum += blocks[blockOf(offset)].dot(blockOffset(offset), x, xOffset, m);
            offset += m;
            xOffset += m;
            n -= m;
        }
        return sum;
    }

    private int blockOf(long offset) { return (int) (offset % cols) / blockCols; }

    private long blockOffset(long offset) {
        long row = offset / cols;
        int col = (int) (offset % cols), k = col / blockCols;
        return row * width(k) + col - (long) k * blockCols;
    }

    /** Elements from offset (at most n) that lie in one row of one block. */
    private int run(long offset, int n) {
        int col = (int) (offset % cols);
        return Math.min(n, Math.min(cols, (col / blockCols + 1) * blockCols) - col);
    }
}
