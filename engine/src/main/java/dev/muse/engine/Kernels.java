package dev.muse.engine;

/** Interim scalar kernels (replaced by the Vector API versions from the kernels branch). */
public final class Kernels {
    private Kernels() {}

    public static void matmul(Tensor w, float[] x, float[] out, int rows, int cols) {
        Parallel.forRange(rows, r -> out[r] = w.dot((long) r * cols, x, 0, cols));
    }

    public static void matmulBatch(Tensor w, float[] x, int batch, float[] out, int rows, int cols) {
        Parallel.forRange(rows, r -> w.dotBatch((long) r * cols, x, cols, batch, out, r, rows));
    }

    public static void rmsnorm(float[] out, int outOff, float[] x, int xOff, Tensor weight, int n, float eps) {
        double ss = 0;
        for (int i = 0; i < n; i++) ss += x[xOff + i] * x[xOff + i];
        float scale = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (int i = 0; i < n; i++) out[outOff + i] = x[xOff + i] * scale * weight.get(i);
    }

    public static void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        float sum = 0;
        for (int i = 0; i < n; i++) sum += x[off + i] = (float) Math.exp(x[off + i] - max);
        for (int i = 0; i < n; i++) x[off + i] /= sum;
    }

    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }
}
