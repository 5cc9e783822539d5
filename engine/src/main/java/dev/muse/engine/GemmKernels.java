package dev.muse.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dense float products between activations: dot products, and the matrix products of attention's scores and
 * weighted values and of decoded weight tiles. (The dot is here, beside the matrix products whose edges use it, so
 * it is loaded before they are compiled: a call into a class not loaded yet compiles to a trap that deoptimises.)
 */
public final class GemmKernels {
    private GemmKernels() {}

    private static final VectorSpecies<Float> F = Simd.F;

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
                // one reduction per accumulator, no array: a vector stored in an array would be boxed
                int c0 = cOff + i * ldc + j;
                c[c0] = c00.reduceLanes(VectorOperators.ADD);
                c[c0 + 1] = c01.reduceLanes(VectorOperators.ADD);
                c[c0 + 2] = c02.reduceLanes(VectorOperators.ADD);
                c[c0 + 3] = c03.reduceLanes(VectorOperators.ADD);
                c0 += ldc;
                c[c0] = c10.reduceLanes(VectorOperators.ADD);
                c[c0 + 1] = c11.reduceLanes(VectorOperators.ADD);
                c[c0 + 2] = c12.reduceLanes(VectorOperators.ADD);
                c[c0 + 3] = c13.reduceLanes(VectorOperators.ADD);
                c0 += ldc;
                c[c0] = c20.reduceLanes(VectorOperators.ADD);
                c[c0 + 1] = c21.reduceLanes(VectorOperators.ADD);
                c[c0 + 2] = c22.reduceLanes(VectorOperators.ADD);
                c[c0 + 3] = c23.reduceLanes(VectorOperators.ADD);
                c0 += ldc;
                c[c0] = c30.reduceLanes(VectorOperators.ADD);
                c[c0 + 1] = c31.reduceLanes(VectorOperators.ADD);
                c[c0 + 2] = c32.reduceLanes(VectorOperators.ADD);
                c[c0 + 3] = c33.reduceLanes(VectorOperators.ADD);
            }
            for (; j < n; j++)
                for (int r = 0; r < 4; r++) c[cOff + (i + r) * ldc + j] = dot(a, a0 + r * lda, b, bOff + j * ldb, k);
        }
        if (kv < k) addTails(a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m & ~3, n & ~3, kv, k);
        for (; i < m; i++)
            for (int j = 0; j < n; j++) c[cOff + i * ldc + j] = dot(a, aOff + i * lda, b, bOff + j * ldb, k);
    }

    /**
     * The scalar tails [kv, k) of the tiled part's dot products, added in a pass of their own: inside the tile loop
     * they made its compiled code slower for every caller once any caller had a k that is not a multiple of the
     * vector length (the JIT's profile is the method's, shared by all callers).
     */
    private static void addTails(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, int m, int n, int kv, int k) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                float sum = 0;
                for (int p = kv; p < k; p++) sum += a[aOff + i * lda + p] * b[bOff + j * ldb + p];
                c[cOff + i * ldc + j] += sum;
            }
    }

    public static void matmulNTReference(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, int m, int n, int k) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) c[cOff + i * ldc + j] = dotReference(a, aOff + i * lda, b, bOff + j * ldb, k);
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
}
