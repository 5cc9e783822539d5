package dev.muse.engine;

/** Element-wise arithmetic over runs of floats. */
public final class VectorKernels {
    private VectorKernels() {}

    /** out[i] = a[i] * b[i]; plain loops like this one are auto-vectorised by C2. out may alias a or b. */
    public static void mul(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] * b[bOff + i];
    }

    /** out[i] = a[i] + b[i]; out may alias a or b (a residual add is add(x, 0, x, 0, delta, 0, n)). */
    public static void add(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = a[aOff + i] + b[bOff + i];
    }
}
