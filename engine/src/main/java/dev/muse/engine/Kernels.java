package dev.muse.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The element-wise and matrix ops a transformer forward pass needs, named after their ggml counterparts. Each op
 * that is worth vectorising has a {@code ...Reference} twin in plain scalar Java that the tests hold it to.
 * Matrices are row-major; a weight matrix is a {@link Tensor} of rows x cols and row r starts at element r*cols.
 */
public final class Kernels {
    private Kernels() {}

    private static final VectorSpecies<Float> F = Simd.F;
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
    /** Per calling thread: activations rounded for a Q4_0 product ({@link #activationsFor}). */
    private static final ThreadLocal<float[]> ROUNDED_ACTIVATIONS = ThreadLocal.withInitial(() -> new float[0]);
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
            for (int r = t * ROWS_PER_TASK, end = Math.min(rows, r + ROWS_PER_TASK); r < end; r++)
                out[r] = w.dot((long) r * cols, xs, 0, cols);
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
                for (int r = from * unit; r < to * unit; r++) {
                    float partial = block.dot((long) r * width, xs, x0, width);
                    out[r] = k == 0 ? partial : out[r] + partial;
                }
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
        float[] xTile = batch <= tile ? x : new float[tile * cols];
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
                    matmulNN(xs, 0, cols, decoded, 0, width, out, outBase + g0 * Q4_0RowGroupTensor.ROWS, rows, tb, width, cols);
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
                    matmulNT(xs, 0, cols, converted, 0, cols, out, outBase + r, rows, tb, count, cols);
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
        boolean grouped = batch < GROUPED_TILE_MIN_BATCH;
        for (Tensor w : ws) grouped &= w instanceof Q4_0RowGroupTensor;
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

    /** Per column block: that block's columns of x gathered into rows of their own, multiplied, then summed into out. */
    private static void matmulBatchBlocked(ColumnBlockedTensor w, float[] x, int batch, float[] out, int rows, int cols) {
        // x is not rounded here for Q4_0: each block's product rounds its slice, 32-aligned columns, to the same values
        float[] xs = scratch(BLOCK_COLUMNS, batch * w.blockColumns()), partial = scratch(BLOCK_PRODUCTS, batch * rows);
        for (int k = 0; k < w.blockCount(); k++) {
            int width = w.width(k), x0 = k * w.blockColumns();
            for (int b = 0; b < batch; b++) System.arraycopy(x, b * cols + x0, xs, b * width, width);
            matmulBatch(w.block(k), xs, batch, k == 0 ? out : partial, rows, width);
            if (k > 0) add(out, 0, out, 0, partial, 0, batch * rows);
        }
    }

    /** The thread's scratch array from holder, grown to at least length floats (prompt chunks reuse it). */
    private static float[] scratch(ThreadLocal<float[]> holder, int length) {
        float[] array = holder.get();
        if (array.length < length) holder.set(array = new float[length]);
        return array;
    }

    /** What {@link #matmulBatch} computes, one scalar dot per output (activations rounded as {@link #activationsFor} says). */
    public static void matmulBatchReference(Tensor w, float[] x, int batch, float[] out, int rows, int cols) {
        float[] xs = activationsFor(w, x, batch, cols);
        for (int b = 0; b < batch; b++)
            for (int r = 0; r < rows; r++) out[b * rows + r] = w.dotReference((long) r * cols, xs, b * cols, cols);
    }

    /**
     * ggml rms_norm followed by mul with the weight: out[i] = weight[i] * x[i] / sqrt(mean(x^2) + eps). out may be x
     * itself at the same offset.
     */
    public static void rmsnorm(float[] out, int outOff, float[] x, int xOff, Tensor weight, int n, float eps) {
        FloatVector squares = FloatVector.zero(F);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            squares = v.fma(v, squares);
        }
        float sum = squares.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += x[xOff + i] * x[xOff + i];
        float scale = (float) (1.0 / Math.sqrt(sum / n + eps));
        if (!(weight instanceof F32Tensor)) {
            for (i = 0; i < n; i++) out[outOff + i] = weight.get(i) * (scale * x[xOff + i]);
            return;
        }
        i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector wv = Simd.loadFloats(weight.data(), i * 4L);
            wv.mul(FloatVector.fromArray(F, x, xOff + i).mul(scale)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = weight.get(i) * (scale * x[xOff + i]);
    }

    /** As ggml: the sum of squares in double, then scale = 1/sqrt(mean + eps). */
    public static void rmsnormReference(float[] out, int outOff, float[] x, int xOff, Tensor weight, int n, float eps) {
        double sum = 0;
        for (int i = 0; i < n; i++) sum += x[xOff + i] * x[xOff + i];
        float scale = (float) (1.0 / Math.sqrt(sum / n + eps));
        for (int i = 0; i < n; i++) out[outOff + i] = weight.get(i) * (scale * x[xOff + i]);
    }

    /** In place: x[off..off+n) = exp(x - max) / sum, subtracting the max so large logits cannot overflow. */
    public static void softmax(float[] x, int off, int n) {
        FloatVector maxes = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0, upper = F.loopBound(n);
        for (; i < upper; i += F.length()) maxes = maxes.max(FloatVector.fromArray(F, x, off + i));
        float max = maxes.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) max = Math.max(max, x[off + i]);
        FloatVector sums = FloatVector.zero(F);
        for (i = 0; i < upper; i += F.length()) {
            FloatVector e = Simd.exp(FloatVector.fromArray(F, x, off + i).sub(max));
            e.intoArray(x, off + i);
            sums = sums.add(e);
        }
        float sum = sums.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += x[off + i] = (float) Math.exp(x[off + i] - max);
        float inv = 1f / sum;
        for (i = 0; i < upper; i += F.length()) FloatVector.fromArray(F, x, off + i).mul(inv).intoArray(x, off + i);
        for (; i < n; i++) x[off + i] *= inv;
    }

    /** out[i] = exp((x[i] - shift) * scale) for i in [0, n); returns their sum (sampling weights, unnormalised). */
    public static float expSum(float[] x, int n, float shift, float scale, float[] out) {
        FloatVector sums = FloatVector.zero(F);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector e = Simd.exp(FloatVector.fromArray(F, x, i).sub(shift).mul(scale));
            e.intoArray(out, i);
            sums = sums.add(e);
        }
        float sum = sums.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += out[i] = (float) Math.exp((x[i] - shift) * scale);
        return sum;
    }

    public static void softmaxReference(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        float sum = 0f;
        for (int i = 0; i < n; i++) sum += x[off + i] = (float) Math.exp(x[off + i] - max);
        for (int i = 0; i < n; i++) x[off + i] /= sum;
    }

    /** Dot product of two float runs (attention: query against cached keys). */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length())
            acc = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc);
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += a[aOff + i] * b[bOff + i];
        return sum;
    }

    public static float dotReference(float[] a, int aOff, float[] b, int bOff, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i++) sum += a[aOff + i] * b[bOff + i];
        return sum;
    }

    /** In place: x = x * sigmoid(x) (SiLU, a.k.a. swish). */
    public static void silu(float[] x, int off, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, off + i);
            v.div(Simd.exp(v.neg()).add(1f)).intoArray(x, off + i);
        }
        for (; i < n; i++) x[off + i] = silu(x[off + i]);
    }

    public static void siluReference(float[] x, int off, int n) {
        for (int i = 0; i < n; i++) x[off + i] = silu(x[off + i]);
    }

    private static float silu(float v) { return v / (1f + (float) Math.exp(-v)); }

    private static final float SQRT_2_OVER_PI = 0.7978845608028654f, GELU_COEF_A = 0.044715f;

    /** In place: GELU, tanh approximation as ggml: 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))). */
    public static void gelu(float[] x, int off, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, off + i);
            FloatVector inner = v.mul(v).mul(GELU_COEF_A).add(1f).mul(v).mul(SQRT_2_OVER_PI);
            v.mul(0.5f).mul(inner.lanewise(VectorOperators.TANH).add(1f)).intoArray(x, off + i);
        }
        for (; i < n; i++) x[off + i] = gelu(x[off + i]);
    }

    public static void geluReference(float[] x, int off, int n) {
        for (int i = 0; i < n; i++) x[off + i] = gelu(x[off + i]);
    }

    private static float gelu(float v) {
        return 0.5f * v * (1f + (float) Math.tanh(SQRT_2_OVER_PI * v * (1f + GELU_COEF_A * v * v)));
    }

    private static final float GELU_QUICK_COEF = -1.702f;

    /** In place: quick GELU as ggml: x * sigmoid(1.702x) (CLIP towers that do not set use_gelu). */
    public static void geluQuick(float[] x, int off, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, off + i);
            v.div(Simd.exp(v.mul(GELU_QUICK_COEF)).add(1f)).intoArray(x, off + i);
        }
        for (; i < n; i++) x[off + i] = geluQuick(x[off + i]);
    }

    public static void geluQuickReference(float[] x, int off, int n) {
        for (int i = 0; i < n; i++) x[off + i] = geluQuick(x[off + i]);
    }

    private static float geluQuick(float v) { return v * (1f / (1f + (float) Math.exp(GELU_QUICK_COEF * v))); }

    /**
     * ggml norm followed by mul and add (LayerNorm): out = (x - mean) / sqrt(var + eps) * weight + bias, the
     * variance taken around the mean in a second pass as ggml does (no E[x^2] - mean^2 cancellation). bias may
     * be null; out may be x itself at the same offset.
     */
    public static void layernorm(float[] out, int outOff, float[] x, int xOff, Tensor weight, Tensor bias, int n, float eps) {
        FloatVector sums = FloatVector.zero(F);
        int i = 0, upper = F.loopBound(n);
        for (; i < upper; i += F.length()) sums = sums.add(FloatVector.fromArray(F, x, xOff + i));
        float sum = sums.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += x[xOff + i];
        float mean = sum / n;
        FloatVector squares = FloatVector.zero(F);
        for (i = 0; i < upper; i += F.length()) {
            FloatVector d = FloatVector.fromArray(F, x, xOff + i).sub(mean);
            squares = d.fma(d, squares);
        }
        float variance = squares.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) variance += (x[xOff + i] - mean) * (x[xOff + i] - mean);
        float scale = (float) (1.0 / Math.sqrt(variance / n + eps));
        if (!(weight instanceof F32Tensor) || (bias != null && !(bias instanceof F32Tensor))) {
            for (i = 0; i < n; i++) out[outOff + i] = (x[xOff + i] - mean) * scale * weight.get(i) + (bias == null ? 0f : bias.get(i));
            return;
        }
        for (i = 0; i < upper; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i).sub(mean).mul(scale).mul(Simd.loadFloats(weight.data(), i * 4L));
            if (bias != null) v = v.add(Simd.loadFloats(bias.data(), i * 4L));
            v.intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = (x[xOff + i] - mean) * scale * weight.get(i) + (bias == null ? 0f : bias.get(i));
    }

    /** As ggml_compute_forward_norm_f32: the mean, then the variance around it, in double here. */
    public static void layernormReference(float[] out, int outOff, float[] x, int xOff, Tensor weight, Tensor bias, int n, float eps) {
        double sum = 0;
        for (int i = 0; i < n; i++) sum += x[xOff + i];
        float mean = (float) (sum / n);
        double variance = 0;
        for (int i = 0; i < n; i++) variance += (double) (x[xOff + i] - mean) * (x[xOff + i] - mean);
        float scale = (float) (1.0 / Math.sqrt(variance / n + eps));
        for (int i = 0; i < n; i++) out[outOff + i] = (x[xOff + i] - mean) * scale * weight.get(i) + (bias == null ? 0f : bias.get(i));
    }

    /**
     * Activation-by-activation matmul, c = a * b: a is m x k (row stride lda), b is k x n (row stride ldb), c is
     * m x n (row stride ldc), all row-major float arrays. Single-threaded: callers such as attention run many of
     * these in parallel (one per head and block of query rows). Vectorised along n: a tile of 4 rows x 4 vectors
     * keeps 16 accumulators in registers, so each loaded b vector feeds four rows and each a scalar four vectors.
     */
    public static void matmulNN(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, int m, int n, int k) {
        int L = F.length(), i = 0;
        for (; i + 4 <= m; i += 4) {
            int a0 = aOff + i * lda, j = 0;
            for (; j + 4 * L <= n; j += 4 * L) {
                FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
                FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
                for (int p = 0; p < k; p++) {
                    int bp = bOff + p * ldb + j;
                    FloatVector b0 = FloatVector.fromArray(F, b, bp), b1 = FloatVector.fromArray(F, b, bp + L);
                    FloatVector b2 = FloatVector.fromArray(F, b, bp + 2 * L), b3 = FloatVector.fromArray(F, b, bp + 3 * L);
                    FloatVector s = FloatVector.broadcast(F, a[a0 + p]);
                    c00 = b0.fma(s, c00); c01 = b1.fma(s, c01); c02 = b2.fma(s, c02); c03 = b3.fma(s, c03);
                    s = FloatVector.broadcast(F, a[a0 + lda + p]);
                    c10 = b0.fma(s, c10); c11 = b1.fma(s, c11); c12 = b2.fma(s, c12); c13 = b3.fma(s, c13);
                    s = FloatVector.broadcast(F, a[a0 + 2 * lda + p]);
                    c20 = b0.fma(s, c20); c21 = b1.fma(s, c21); c22 = b2.fma(s, c22); c23 = b3.fma(s, c23);
                    s = FloatVector.broadcast(F, a[a0 + 3 * lda + p]);
                    c30 = b0.fma(s, c30); c31 = b1.fma(s, c31); c32 = b2.fma(s, c32); c33 = b3.fma(s, c33);
                }
                int c0 = cOff + i * ldc + j;
                c00.intoArray(c, c0); c01.intoArray(c, c0 + L); c02.intoArray(c, c0 + 2 * L); c03.intoArray(c, c0 + 3 * L);
                c0 += ldc;
                c10.intoArray(c, c0); c11.intoArray(c, c0 + L); c12.intoArray(c, c0 + 2 * L); c13.intoArray(c, c0 + 3 * L);
                c0 += ldc;
                c20.intoArray(c, c0); c21.intoArray(c, c0 + L); c22.intoArray(c, c0 + 2 * L); c23.intoArray(c, c0 + 3 * L);
                c0 += ldc;
                c30.intoArray(c, c0); c31.intoArray(c, c0 + L); c32.intoArray(c, c0 + 2 * L); c33.intoArray(c, c0 + 3 * L);
            }
            // narrower b (a group of row-grouped weights is one vector wide): four rows x one vector
            for (; j + L <= n; j += L) {
                FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
                for (int p = 0; p < k; p++) {
                    FloatVector bp = FloatVector.fromArray(F, b, bOff + p * ldb + j);
                    c0 = bp.fma(FloatVector.broadcast(F, a[a0 + p]), c0);
                    c1 = bp.fma(FloatVector.broadcast(F, a[a0 + lda + p]), c1);
                    c2 = bp.fma(FloatVector.broadcast(F, a[a0 + 2 * lda + p]), c2);
                    c3 = bp.fma(FloatVector.broadcast(F, a[a0 + 3 * lda + p]), c3);
                }
                int c0Off = cOff + i * ldc + j;
                c0.intoArray(c, c0Off);
                c1.intoArray(c, c0Off + ldc);
                c2.intoArray(c, c0Off + 2 * ldc);
                c3.intoArray(c, c0Off + 3 * ldc);
            }
            if (j < n) matmulNNRows(a, aOff + i * lda, lda, b, bOff, ldb, c, cOff + i * ldc, ldc, 4, j, n, k);
        }
        if (i < m) matmulNNRows(a, aOff + i * lda, lda, b, bOff, ldb, c, cOff + i * ldc, ldc, m - i, 0, n, k);
    }

    /** The edges of {@link #matmulNN}: rows one at a time, columns [from, n) a vector at a time, then scalars. */
    private static void matmulNNRows(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                                     int rows, int from, int n, int k) {
        int L = F.length();
        for (int r = 0; r < rows; r++) {
            int ar = aOff + r * lda, cr = cOff + r * ldc, j = from;
            for (; j + L <= n; j += L) {
                // four accumulators over p, so the multiply-adds do not wait on each other
                FloatVector acc0 = FloatVector.zero(F), acc1 = acc0, acc2 = acc0, acc3 = acc0;
                int p = 0;
                for (; p + 4 <= k; p += 4) {
                    int bp = bOff + p * ldb + j;
                    acc0 = FloatVector.fromArray(F, b, bp).fma(FloatVector.broadcast(F, a[ar + p]), acc0);
                    acc1 = FloatVector.fromArray(F, b, bp + ldb).fma(FloatVector.broadcast(F, a[ar + p + 1]), acc1);
                    acc2 = FloatVector.fromArray(F, b, bp + 2 * ldb).fma(FloatVector.broadcast(F, a[ar + p + 2]), acc2);
                    acc3 = FloatVector.fromArray(F, b, bp + 3 * ldb).fma(FloatVector.broadcast(F, a[ar + p + 3]), acc3);
                }
                for (; p < k; p++) acc0 = FloatVector.fromArray(F, b, bOff + p * ldb + j).fma(FloatVector.broadcast(F, a[ar + p]), acc0);
                acc0.add(acc1).add(acc2.add(acc3)).intoArray(c, cr + j);
            }
            for (; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) sum += a[ar + p] * b[bOff + p * ldb + j];
                c[cr + j] = sum;
            }
        }
    }

    public static void matmulNNReference(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, int m, int n, int k) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) sum += a[aOff + i * lda + p] * b[bOff + p * ldb + j];
                c[cOff + i * ldc + j] = sum;
            }
    }

    /**
     * c = a * transpose(b), the layout of ggml_mul_mat: a is m x k, b is n x k (both rows along k), c is m x n.
     * Vectorised along k, in tiles of 4 a rows x 4 b rows (16 accumulators, 8 loads per 16 FMAs).
     * Single-threaded, like {@link #matmulNN}.
     */
    public static void matmulNT(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, int m, int n, int k) {
        int L = F.length(), kv = F.loopBound(k), i = 0;
        for (; i + 4 <= m; i += 4) {
            int a0 = aOff + i * lda, j = 0;
            for (; j + 4 <= n; j += 4) {
                int b0 = bOff + j * ldb;
                FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
                FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
                for (int p = 0; p < kv; p += L) {
                    FloatVector x0 = FloatVector.fromArray(F, b, b0 + p), x1 = FloatVector.fromArray(F, b, b0 + ldb + p);
                    FloatVector x2 = FloatVector.fromArray(F, b, b0 + 2 * ldb + p), x3 = FloatVector.fromArray(F, b, b0 + 3 * ldb + p);
                    FloatVector s = FloatVector.fromArray(F, a, a0 + p);
                    c00 = s.fma(x0, c00); c01 = s.fma(x1, c01); c02 = s.fma(x2, c02); c03 = s.fma(x3, c03);
                    s = FloatVector.fromArray(F, a, a0 + lda + p);
                    c10 = s.fma(x0, c10); c11 = s.fma(x1, c11); c12 = s.fma(x2, c12); c13 = s.fma(x3, c13);
                    s = FloatVector.fromArray(F, a, a0 + 2 * lda + p);
                    c20 = s.fma(x0, c20); c21 = s.fma(x1, c21); c22 = s.fma(x2, c22); c23 = s.fma(x3, c23);
                    s = FloatVector.fromArray(F, a, a0 + 3 * lda + p);
                    c30 = s.fma(x0, c30); c31 = s.fma(x1, c31); c32 = s.fma(x2, c32); c33 = s.fma(x3, c33);
                }
                // one call per accumulator, no array: C2 inlines these, and a vector stored in an array would be boxed
                int c0 = cOff + i * ldc + j;
                c[c0] = sum(c00, a, a0, b, b0, kv, k);
                c[c0 + 1] = sum(c01, a, a0, b, b0 + ldb, kv, k);
                c[c0 + 2] = sum(c02, a, a0, b, b0 + 2 * ldb, kv, k);
                c[c0 + 3] = sum(c03, a, a0, b, b0 + 3 * ldb, kv, k);
                c0 += ldc;
                c[c0] = sum(c10, a, a0 + lda, b, b0, kv, k);
                c[c0 + 1] = sum(c11, a, a0 + lda, b, b0 + ldb, kv, k);
                c[c0 + 2] = sum(c12, a, a0 + lda, b, b0 + 2 * ldb, kv, k);
                c[c0 + 3] = sum(c13, a, a0 + lda, b, b0 + 3 * ldb, kv, k);
                c0 += ldc;
                c[c0] = sum(c20, a, a0 + 2 * lda, b, b0, kv, k);
                c[c0 + 1] = sum(c21, a, a0 + 2 * lda, b, b0 + ldb, kv, k);
                c[c0 + 2] = sum(c22, a, a0 + 2 * lda, b, b0 + 2 * ldb, kv, k);
                c[c0 + 3] = sum(c23, a, a0 + 2 * lda, b, b0 + 3 * ldb, kv, k);
                c0 += ldc;
                c[c0] = sum(c30, a, a0 + 3 * lda, b, b0, kv, k);
                c[c0 + 1] = sum(c31, a, a0 + 3 * lda, b, b0 + ldb, kv, k);
                c[c0 + 2] = sum(c32, a, a0 + 3 * lda, b, b0 + 2 * ldb, kv, k);
                c[c0 + 3] = sum(c33, a, a0 + 3 * lda, b, b0 + 3 * ldb, kv, k);
            }
            for (; j < n; j++)
                for (int r = 0; r < 4; r++) c[cOff + (i + r) * ldc + j] = dot(a, a0 + r * lda, b, bOff + j * ldb, k);
        }
        for (; i < m; i++)
            for (int j = 0; j < n; j++) c[cOff + i * ldc + j] = dot(a, aOff + i * lda, b, bOff + j * ldb, k);
    }

    /** The lanes of acc plus the scalar tail [kv, k) of the dot of a row and b row. */
    private static float sum(FloatVector acc, float[] a, int aRow, float[] b, int bRow, int kv, int k) {
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (int p = kv; p < k; p++) sum += a[aRow + p] * b[bRow + p];
        return sum;
    }

    public static void matmulNTReference(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, int m, int n, int k) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) c[cOff + i * ldc + j] = dotReference(a, aOff + i * lda, b, bOff + j * ldb, k);
    }

    /** out[i] = a[i] * b[i]; plain loops like this one are auto-vectorised by C2. out may alias a or b. */
    public static void mul(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] * b[bOff + i];
    }

    /** out[i] = a[i] + b[i]; out may alias a or b (a residual add is add(x, 0, x, 0, delta, 0, n)). */
    public static void add(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] + b[bOff + i];
    }
}
