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
    /** Activation rows per matmulBatch pass, sized so a pass's rows (x tile) stay in the L2 cache. */
    private static final int BATCH_TILE_BYTES = 256 * 1024;

    /** out[r] = dot(w row r, x) for r in [0, rows); rows are split across the kernel threads. */
    public static void matmul(Tensor w, float[] x, float[] out, int rows, int cols) {
        if ((long) rows * cols < PARALLEL_MIN_WEIGHTS) {
            for (int r = 0; r < rows; r++) out[r] = w.dot((long) r * cols, x, 0, cols);
            return;
        }
        int tasks = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        Parallel.forRange(tasks, t -> {
            for (int r = t * ROWS_PER_TASK, end = Math.min(rows, r + ROWS_PER_TASK); r < end; r++)
                out[r] = w.dot((long) r * cols, x, 0, cols);
        });
    }

    public static void matmulReference(Tensor w, float[] x, float[] out, int rows, int cols) {
        for (int r = 0; r < rows; r++) out[r] = w.dotReference((long) r * cols, x, 0, cols);
    }

    /**
     * Batched matmul for prompt processing: x is batch x cols, out is batch x rows (out[b*rows + r] = dot(w row r,
     * x row b)). Activation rows go in tiles that fit in L2; within a tile each weight row is read once for all
     * of the tile's rows ({@link Tensor#dotBatch}) and weight rows are split across the kernel threads.
     */
    public static void matmulBatch(Tensor w, float[] x, int batch, float[] out, int rows, int cols) {
        int tile = (int) Math.min(batch, Math.max(4, BATCH_TILE_BYTES / (4L * cols) / 4 * 4));
        float[] xTile = batch <= tile ? x : new float[tile * cols];
        for (int b0 = 0; b0 < batch; b0 += tile) {
            int tb = Math.min(tile, batch - b0);
            // dotBatch reads activation row b at b*cols, so later tiles are copied to the front of a scratch array
            float[] xs = b0 == 0 ? x : xTile;
            if (b0 > 0) System.arraycopy(x, b0 * cols, xTile, 0, tb * cols);
            int outBase = b0 * rows;
            if ((long) rows * cols * tb < PARALLEL_MIN_WEIGHTS) {
                for (int r = 0; r < rows; r++) w.dotBatch((long) r * cols, xs, cols, tb, out, outBase + r, rows);
                continue;
            }
            int tasks = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
            Parallel.forRange(tasks, t -> {
                int r = t * ROWS_PER_TASK, count = Math.min(rows, r + ROWS_PER_TASK) - r;
                w.dotBatchRows((long) r * cols, count, xs, cols, tb, out, outBase + r, rows);
            });
        }
    }

    public static void matmulBatchReference(Tensor w, float[] x, int batch, float[] out, int rows, int cols) {
        for (int b = 0; b < batch; b++)
            for (int r = 0; r < rows; r++) out[b * rows + r] = w.dotReference((long) r * cols, x, b * cols, cols);
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
            FloatVector e = FloatVector.fromArray(F, x, off + i).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(x, off + i);
            sums = sums.add(e);
        }
        float sum = sums.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += x[off + i] = (float) Math.exp(x[off + i] - max);
        float inv = 1f / sum;
        for (i = 0; i < upper; i += F.length()) FloatVector.fromArray(F, x, off + i).mul(inv).intoArray(x, off + i);
        for (; i < n; i++) x[off + i] *= inv;
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
            v.div(v.neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(x, off + i);
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

    /** out[i] = a[i] * b[i]; plain loops like this one are auto-vectorised by C2. out may alias a or b. */
    public static void mul(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] * b[bOff + i];
    }

    /** out[i] = a[i] + b[i]; out may alias a or b (a residual add is add(x, 0, x, 0, delta, 0, n)). */
    public static void add(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] + b[bOff + i];
    }
}
