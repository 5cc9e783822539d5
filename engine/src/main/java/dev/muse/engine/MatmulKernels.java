package dev.muse.engine;

/**
 * Weight matrices (any {@link Tensor} type and layout) times activations: the products that dominate a forward
 * pass. Each chooses a kernel by the weight's layout and the batch size (measurements in the constants' comments).
 * {@code ...Reference} twins in plain scalar Java are what the tests hold them to. A weight matrix is rows x cols,
 * row r starting at element r*cols; activations are row-major float arrays.
 */
public final class MatmulKernels {
    private MatmulKernels() {}

    /** Below this many weights a matmul runs on the calling thread: handing work to the pool costs more. */
    private static final long PARALLEL_MIN_WEIGHTS = 1 << 16;
    /** Rows per parallel task unit: enough that per-task overhead vanishes next to the dots. */
    private static final int ROWS_PER_TASK = 16;
    /** From this many activation rows, quantised and half-precision weight rows are converted to floats once per tile. */
    private static final int CONVERT_FIRST_MIN_BATCH = 16;
    /**
     * From this many activation rows, row-grouped Q4_0 weights are decoded to floats once per tile and multiplied in
     * floats; below, each group meets every row in the integer kernel while its weights are in the L1 cache. Llama
     * 3.2 1B shapes, one batched generation step (ms, integer kernel vs tiles): 6 rows 88 vs 214, 12 rows 188 vs
     * 334, 16 rows 285 vs 500, 32 rows 649 vs 638.
     */
    private static final int GROUPED_TILE_MIN_BATCH = 32;
    /** Per kernel thread: weight rows converted to floats (ROWS_PER_TASK x cols). */
    private static final ThreadLocal<float[]> CONVERTED_ROWS = ThreadLocal.withInitial(() -> new float[0]);
    /** Per calling thread: a column block's slice of the activations, and its partial products (blocked matmuls). */
    private static final ThreadLocal<float[]> BLOCK_COLUMNS = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> BLOCK_PRODUCTS = ThreadLocal.withInitial(() -> new float[0]);
    /** Per kernel thread: a column block's partial products (blocked matrix-vector products). */
    private static final ThreadLocal<float[]> BLOCK_PARTIAL = ThreadLocal.withInitial(() -> new float[0]);
    /** Per calling thread: activations rounded for a Q4_0 product ({@link #activationsFor}). */
    private static final ThreadLocal<float[]> ROUNDED_ACTIVATIONS = ThreadLocal.withInitial(() -> new float[0]);
    /**
     * Per calling thread: a later tile of matmulBatch's activation rows. A new array per call was most of the large
     * arrays a Whisper window allocated (about 90 MB per 30 s window of small), and the young collections they forced
     * promoted the window's other arrays into the old generation, where they stayed until a full collection.
     */
    private static final ThreadLocal<float[]> X_TILE = ThreadLocal.withInitial(() -> new float[0]);
    /** Activation rows per matmulBatch pass, sized so a pass's rows (x tile) stay in the L2 cache. */
    private static final int BATCH_TILE_BYTES = 256 * 1024;

    /** out[r] = dot(w row r, x) for r in [0, rows); rows are split across the kernel threads. */
    public static void matmul(Tensor w, float[] x, float[] out, int rows, int cols) {
        if (w instanceof ColumnBlockedTensor blocked) {
            matmulBlocked(blocked, x, out, rows);
            return;
        }
        if (w instanceof Q4_0RowGroupTensor) {
            matmulBatch(x, 1, cols, new Tensor[] {w}, new float[][] {out}, new int[] {rows});
            return;
        }
        float[] xs = activationsFor(w, x, 1, cols);
        if ((long) rows * cols < PARALLEL_MIN_WEIGHTS) {
            for (int r = 0; r < rows; r++) out[r] = w.dot((long) r * cols, xs, 0, cols);
            return;
        }
        int tasks = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        Parallel.forRange(tasks, t -> {
            int r = t * ROWS_PER_TASK;
            w.dotRows((long) r * cols, Math.min(rows, r + ROWS_PER_TASK) - r, xs, 0, cols, out, r);
        });
    }

    /**
     * A few contiguous ranges of rows per thread, and within each range one column block after another: each
     * block's rows are then a single ascending stream (what the hardware prefetcher follows best) and its slice of
     * x stays in L1.
     */
    private static void matmulBlocked(ColumnBlockedTensor w, float[] x, float[] out, int rows) {
        // row-grouped blocks are split in whole groups
        boolean anyGrouped = false, allGrouped = true;
        for (int k = 0; k < w.blockCount(); k++) {
            boolean grouped = w.block(k) instanceof Q4_0RowGroupTensor;
            anyGrouped |= grouped;
            allGrouped &= grouped;
        }
        int unit = anyGrouped ? Q4_0RowGroupTensor.ROWS : 1, units = rows / unit, cols = (int) (w.size() / rows);
        Q8Activations quantized = anyGrouped ? Q8Activations.of(x, 1, cols) : null;
        float[] xs = allGrouped ? x : activationsFor(w, x, 1, cols);
        int ranges = Math.min(units, w.size() < PARALLEL_MIN_WEIGHTS ? 1 : 4 * Parallel.threads());
        Parallel.forRange(ranges, t -> {
            int from = (int) ((long) units * t / ranges), to = (int) ((long) units * (t + 1) / ranges);
            for (int k = 0; k < w.blockCount(); k++) {
                Tensor block = w.block(k);
                int width = w.width(k), x0 = k * w.blockColumns();
                if (block instanceof Q4_0RowGroupTensor rowGroups) {
                    rowGroups.matvec(quantized, x0, out, 0, from, to, k > 0);
                    continue;
                }
                // the block's rows as one run of the type's matrix-vector kernel; later blocks' partial products are added
                int r0 = from * unit, count = to * unit - r0;
                float[] partial = k == 0 ? out : scratch(BLOCK_PARTIAL, rows);
                block.dotRows((long) r0 * width, count, xs, x0, width, partial, r0);
                if (k > 0) for (int r = r0; r < r0 + count; r++) out[r] += partial[r];
            }
        });
    }

    /**
     * The activations a product with w takes: for Q4_0 weights, x rounded to 8-bit integers per block of 32 as
     * llama.cpp rounds them for that type ({@link Q8Activations}), so that every Q4_0 product, whichever kernel runs
     * it, computes the same thing as the row-grouped integer kernels of generation; x itself for other types.
     */
    private static float[] activationsFor(Tensor w, float[] x, int batch, int cols) {
        if (w.type() != GgmlType.Q4_0) return x;
        // a scratch array of the calling thread, not a new one per product: prompt-sized garbage at every Q4_0
        // product grew the heap (peak RSS in pp512 906 -> 1060 MiB); kernel bodies never multiply again inside
        float[] rounded = scratch(ROUNDED_ACTIVATIONS, batch * cols);
        Q8Activations.round(x, batch, cols, rounded);
        return rounded;
    }

    /** What {@link #matmul} computes, one scalar dot per row (activations rounded as {@link #activationsFor} says). */
    public static void matmulReference(Tensor w, float[] x, float[] out, int rows, int cols) {
        float[] xs = activationsFor(w, x, 1, cols);
        for (int r = 0; r < rows; r++) out[r] = w.dotReference((long) r * cols, xs, 0, cols);
    }

    /**
     * Batched matmul for prompt processing: x is batch x cols, out is batch x rows (out[b*rows + r] = dot(w row r,
     * x row b)). Activation rows go in tiles that fit in L2; within a tile each weight row is read once for all
     * of the tile's rows ({@link Tensor#dotBatch}) and weight rows are split across the kernel threads.
     */
    public static void matmulBatch(Tensor w, float[] x, int batch, float[] out, int rows, int cols) {
        if (batch == 1) {
            matmul(w, x, out, rows, cols);
            return;
        }
        Q4_0RowGroupTensor grouped = w instanceof Q4_0RowGroupTensor rowGroups ? rowGroups : null;
        if (grouped != null && batch < GROUPED_TILE_MIN_BATCH) {
            // a batched generation step or a short prompt chunk: the integer kernel, group by group
            matmulBatch(x, batch, cols, new Tensor[] {w}, new float[][] {out}, new int[] {rows});
            return;
        }
        if (w instanceof ColumnBlockedTensor blocked) {
            matmulBatchBlocked(blocked, x, batch, out, rows, cols);
            return;
        }
        x = activationsFor(w, x, batch, cols);
        boolean convertFirst = grouped != null || batch >= CONVERT_FIRST_MIN_BATCH && !(w instanceof F32Tensor);
        // converted rows are reused across the whole tile, so that path wants tiles of at least 64 rows even for
        // wide rows (the F32 kernel streams only four activation rows at a time)
        int tile = (int) Math.min(batch, Math.max(convertFirst ? 64 : 4, BATCH_TILE_BYTES / (4L * cols) / 4 * 4));
        float[] xTile = batch <= tile ? x : scratch(X_TILE, tile * cols);
        for (int b0 = 0; b0 < batch; b0 += tile) {
            int tb = Math.min(tile, batch - b0);
            // dotBatch reads activation row b at b*cols, so later tiles are copied to the front of a scratch array
            float[] xs = b0 == 0 ? x : xTile;
            if (b0 > 0) System.arraycopy(x, b0 * cols, xTile, 0, tb * cols);
            int outBase = b0 * rows;
            if (grouped != null) {
                // groups of rows are decoded once per tile, column-major and side by side, and multiplied by the
                // whole tile: four float vectors wide, matmulNN's register tile is whole
                int groups = grouped.groups(), perTask = Math.max(1, 4 * Simd.L / Q4_0RowGroupTensor.ROWS);
                Parallel.forRange((groups + perTask - 1) / perTask, t -> {
                    int g0 = perTask * t, count = Math.min(perTask, groups - g0), width = count * Q4_0RowGroupTensor.ROWS;
                    float[] decoded = scratch(CONVERTED_ROWS, width * cols);
                    for (int g = g0; g < g0 + count; g++) grouped.decodeGroup(g, decoded, (g - g0) * Q4_0RowGroupTensor.ROWS, width);
                    GemmKernels.matmulNN(xs, 0, cols, decoded, 0, width, out, outBase + g0 * Q4_0RowGroupTensor.ROWS, rows, tb, width, cols);
                });
                continue;
            }
            if ((long) rows * cols * tb < PARALLEL_MIN_WEIGHTS) {
                for (int r = 0; r < rows; r++) w.dotBatch((long) r * cols, xs, cols, tb, out, outBase + r, rows);
                continue;
            }
            int tasks = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
            if (convertFirst) {
                // Weight rows are converted once per tile into floats, then the F32 register-tiled kernel runs them
                // against the whole tile: decoding per group of four activation rows cost about as much as the
                // multiply-adds it fed (one core, 2048 columns, 16 rows: Q8_0 42 vs 36 GMAC/s, Q4_0 40 vs 33, Q6_K 36
                // vs 12, F16 37 vs 21; with 64 rows the gap widens)
                Parallel.forRange(tasks, t -> {
                    int r = t * ROWS_PER_TASK, count = Math.min(rows, r + ROWS_PER_TASK) - r;
                    float[] converted = scratch(CONVERTED_ROWS, count * cols);
                    w.dequantize((long) r * cols, converted, 0, count * cols);
                    GemmKernels.matmulNT(xs, 0, cols, converted, 0, cols, out, outBase + r, rows, tb, count, cols);
                });
                continue;
            }
            Parallel.forRange(tasks, t -> {
                int r = t * ROWS_PER_TASK, count = Math.min(rows, r + ROWS_PER_TASK) - r;
                w.dotBatchRows((long) r * cols, count, xs, cols, tb, out, outBase + r, rows);
            });
        }
    }

    /**
     * Several matrices times the same activations x (batch x cols), as one matmulBatch each: out[i][b * rows[i] + r]
     * = dot(ws[i] row r, x row b). A layer's query, key and value, or its gate and up projections, go together so
     * that a generation step over row-grouped Q4_0 weights quantises x once and runs one parallel loop over all
     * their groups (one wait for the slowest thread rather than one per matrix). Other weights and larger batches
     * are multiplied one matrix after another.
     */
    public static void matmulBatch(float[] x, int batch, int cols, Tensor[] ws, float[][] outs, int[] rows) {
        boolean grouped = batch < GROUPED_TILE_MIN_BATCH, plainRows = batch == 1;
        for (Tensor w : ws) {
            grouped &= w instanceof Q4_0RowGroupTensor;
            plainRows &= !(w instanceof ColumnBlockedTensor || w instanceof Q4_0RowGroupTensor) && w.type() != GgmlType.Q4_0;
        }
        if (plainRows && ws.length > 1) {
            matvecs(x, cols, ws, outs, rows);
            return;
        }
        if (!grouped) {
            for (int i = 0; i < ws.length; i++) matmulBatch(ws[i], x, batch, outs[i], rows[i], cols);
            return;
        }
        Q8Activations quantized = Q8Activations.of(x, batch, cols);
        int[] firstGroup = new int[ws.length + 1];
        for (int i = 0; i < ws.length; i++) firstGroup[i + 1] = firstGroup[i] + ((Q4_0RowGroupTensor) ws[i]).groups();
        Parallel.forChunks(firstGroup[ws.length], (from, to) -> {
            // a chunk of the groups of all matrices, one after another: its part in each matrix it overlaps
            for (int i = 0; i < ws.length; i++) {
                int g0 = Math.max(from, firstGroup[i]) - firstGroup[i], g1 = Math.min(to, firstGroup[i + 1]) - firstGroup[i];
                if (g0 >= g1) continue;
                Q4_0RowGroupTensor w = (Q4_0RowGroupTensor) ws[i];
                if (batch == 1) {
                    w.matvec(quantized, 0, outs[i], 0, g0, g1, false);
                    continue;
                }
                // every activation row against one group while its weights are in the L1 cache
                for (int g = g0; g < g1; g++)
                    for (int b = 0; b < batch; b++) w.matvec(quantized, b * cols, outs[i], b * rows[i], g, g + 1, false);
            }
        });
    }

    /**
     * One token's products with several plain-row matrices as one parallel loop over all their rows (tasks of
     * ROWS_PER_TASK rows of one matrix): a Whisper decoder layer's query, key and value are 384 x 384 in tiny, about
     * 10 us each, and handing out work and waiting once per matrix is a good part of that (self-attention over tiny's
     * four layers: 0.37 ms a token, 0.32 as one loop).
     */
    private static void matvecs(float[] x, int cols, Tensor[] ws, float[][] outs, int[] rows) {
        int[] firstTask = new int[ws.length + 1];
        for (int i = 0; i < ws.length; i++) firstTask[i + 1] = firstTask[i] + (rows[i] + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        Parallel.forRange(firstTask[ws.length], task -> {
            int i = 0;
            while (task >= firstTask[i + 1]) i++;
            int r = (task - firstTask[i]) * ROWS_PER_TASK;
            ws[i].dotRows((long) r * cols, Math.min(rows[i], r + ROWS_PER_TASK) - r, x, 0, cols, outs[i], r);
        });
    }

    /** Per column block: that block's columns of x gathered into rows of their own, multiplied, then summed into out. */
    private static void matmulBatchBlocked(ColumnBlockedTensor w, float[] x, int batch, float[] out, int rows, int cols) {
        // x is not rounded here for Q4_0: each block's product rounds its slice, 32-aligned columns, to the same values
        float[] xs = scratch(BLOCK_COLUMNS, batch * w.blockColumns()), partial = scratch(BLOCK_PRODUCTS, batch * rows);
        for (int k = 0; k < w.blockCount(); k++) {
            int width = w.width(k), x0 = k * w.blockColumns();
            for (int b = 0; b < batch; b++) System.arraycopy(x, b * cols + x0, xs, b * width, width);
            matmulBatch(w.block(k), xs, batch, k == 0 ? out : partial, rows, width);
            if (k > 0) VectorKernels.add(out, 0, out, 0, partial, 0, batch * rows);
        }
    }

    /** The thread's scratch array from holder, grown to at least length floats (prompt chunks reuse it). */
    private static float[] scratch(ThreadLocal<float[]> holder, int length) {
        float[] array = holder.get();
        if (array.length < length) holder.set(array = new float[length]);
        return array;
    }

    /**
     * out[c] = sum over r of a[aOff + r] * w[r, c] for c in [0, cols): a vector times a [rows, cols] matrix (attention
     * weights times values, a query times transposed keys), on the calling thread. Half-precision matrices have a
     * Vector API kernel; other types take the reference.
     */
    public static void vecmat(Tensor w, float[] a, int aOff, float[] out, int outOff, int rows, int cols) {
        if (w instanceof F16Tensor half) half.vecmat(a, aOff, out, outOff, rows, cols);
        else vecmatReference(w, a, aOff, out, outOff, rows, cols);
    }

    /** What {@link #vecmat} computes, element by element in plain Java. */
    public static void vecmatReference(Tensor w, float[] a, int aOff, float[] out, int outOff, int rows, int cols) {
        java.util.Arrays.fill(out, outOff, outOff + cols, 0f);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) out[outOff + c] += w.get((long) r * cols + c) * a[aOff + r];
        }
    }

    /** What {@link #matmulBatch} computes, one scalar dot per output (activations rounded as {@link #activationsFor} says). */
    public static void matmulBatchReference(Tensor w, float[] x, int batch, float[] out, int rows, int cols) {
        float[] xs = activationsFor(w, x, batch, cols);
        for (int b = 0; b < batch; b++)
            for (int r = 0; r < rows; r++) out[b * rows + r] = w.dotReference((long) r * cols, xs, b * cols, cols);
    }
}
