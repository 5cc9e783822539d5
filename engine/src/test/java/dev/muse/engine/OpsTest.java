package dev.muse.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each operation of the CPU backend against its kernel's scalar reference (or, for the trivial ones, against the definition). */
class OpsTest {
    static final Ops OPS = Ops.cpu();

    /** Element-wise relative closeness, for outputs that cannot cancel to near zero. */
    static void assertRelativelyClose(float[] expected, float[] actual, double relative, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            double tolerance = relative * Math.max(1e-3, Math.abs(expected[i]));
            assertTrue(Math.abs(expected[i] - actual[i]) <= tolerance, what + " [" + i + "]: " + actual[i] + " vs " + expected[i]);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void matmulMatchesReference(GgmlType type) {
        // 300 x 512 takes the parallel path (rows not a multiple of the task size); 5 x 256 runs inline
        assertMatrixVectorProductsMatchReference(type, new Random(type.id), new int[][] {{300, 512}, {5, 256}});
    }

    /** One matrix-vector product per {rows, cols} shape, each row within the type's rounding of its scalar reference. */
    static void assertMatrixVectorProductsMatchReference(GgmlType type, Random random, int[][] shapes) {
        for (int[] shape : shapes) {
            int rows = shape[0], cols = shape[1];
            Tensor w = Tensor.fromFloats(type, TensorContractTest.gaussian(random, rows * cols, 0.05f));
            float[] x = TensorContractTest.gaussian(random, cols, 1f);
            float[] expected = new float[rows], actual = new float[rows];
            MatmulKernels.matmulReference(w, x, expected, rows, cols);
            OPS.matmul(w, x, 1, actual, rows, cols);
            for (int r = 0; r < rows; r++) {
                double magnitude = TensorContractTest.absDot(w, (long) r * cols, x, 0, cols);
                TensorContractTest.assertClose(expected[r], actual[r], magnitude, cols, type + " " + rows + "x" + cols + " row " + r);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void matmulBatchMatchesReference(GgmlType type) {
        Random random = new Random(50 + type.id);
        int rows = 24, cols = 2048;
        Tensor w = Tensor.fromFloats(type, TensorContractTest.gaussian(random, rows * cols, 0.05f));
        // 37 rows of 2048 floats span two full L2 tiles and a partial one; 2 rows fit in one small tile
        for (int batch : new int[] {37, 2}) {
            float[] x = TensorContractTest.gaussian(random, batch * cols, 1f);
            float[] expected = new float[batch * rows], actual = new float[batch * rows];
            MatmulKernels.matmulBatchReference(w, x, batch, expected, rows, cols);
            OPS.matmul(w, x, batch, actual, rows, cols);
            for (int b = 0; b < batch; b++) {
                for (int r = 0; r < rows; r++) {
                    double magnitude = TensorContractTest.absDot(w, (long) r * cols, x, b * cols, cols);
                    TensorContractTest.assertClose(expected[b * rows + r], actual[b * rows + r], magnitude, cols,
                            type + " batch " + batch + " row " + b + " output " + r);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16"})
    void rmsnormMatchesReference(GgmlType weightType) {
        Random random = new Random(7);
        int n = 100; // not a multiple of any vector length: exercises the tails
        Tensor weight = Tensor.fromFloats(weightType, TensorContractTest.gaussian(random, n, 1f));
        float[] x = TensorContractTest.gaussian(random, n + 3, 2f);
        float[] expected = new float[n + 1], actual = new float[n + 1];
        NormKernels.rmsnormReference(expected, 1, x, 3, weight, n, 1e-5f);
        OPS.rmsnorm(actual, 1, x, 3, weight, n, 1e-5f);
        assertRelativelyClose(expected, actual, 1e-5, "rmsnorm");

        double sum = 0;
        for (int i = 0; i < n; i++) sum += x[3 + i] * (double) x[3 + i];
        float scale = (float) (1 / Math.sqrt(sum / n + 1e-5));
        assertEquals(weight.get(10) * x[13] * scale, actual[11], 1e-5 * Math.abs(actual[11]), "definition");

        float[] inPlace = Arrays.copyOf(x, x.length);
        OPS.rmsnorm(inPlace, 3, inPlace, 3, weight, n, 1e-5f);
        assertRelativelyClose(Arrays.copyOfRange(expected, 1, n + 1), Arrays.copyOfRange(inPlace, 3, n + 3), 1e-5, "in place");
    }

    @Test
    void softmaxMatchesReferenceAndSumsToOne() {
        Random random = new Random(8);
        float[] logits = TensorContractTest.gaussian(random, 40, 3f);
        logits[5] = 1000f; // would overflow exp without the max subtraction
        logits[6] = 999f;
        float[] expected = logits.clone(), actual = logits.clone();
        ActivationKernels.softmaxReference(expected, 2, 37);
        OPS.softmax(actual, 2, 37);
        assertRelativelyClose(expected, actual, 1e-5, "softmax");
        double sum = 0;
        for (int i = 2; i < 39; i++) sum += actual[i];
        assertEquals(1.0, sum, 1e-5);
        assertEquals(logits[0], actual[0], "outside the range untouched");
        assertEquals(logits[39], actual[39], "outside the range untouched");
        assertEquals(1 / (1 + Math.exp(-1)), actual[5], 1e-6, "two dominant logits one apart");
    }

    @Test
    void siluAndGeluMatchReferences() {
        Random random = new Random(9);
        float[] x = TensorContractTest.gaussian(random, 75, 3f);
        float[] expected = x.clone(), actual = x.clone();
        ActivationKernels.siluReference(expected, 1, 70);
        OPS.silu(actual, 1, 70);
        assertRelativelyClose(expected, actual, 1e-5, "silu");
        assertEquals(x[0], actual[0]);
        assertEquals((float) (x[3] / (1 + Math.exp(-x[3]))), actual[3], 1e-5 * Math.abs(actual[3]), "silu definition");

        expected = x.clone();
        actual = x.clone();
        ActivationKernels.geluReference(expected, 1, 70);
        OPS.gelu(actual, 1, 70);
        assertRelativelyClose(expected, actual, 1e-5, "gelu");
        assertEquals(0.8411920f, geluOf(1f), 1e-6, "gelu(1), tanh approximation");
    }

    @Test
    void exactGeluMatchesReferenceAndTheDefinition() {
        float[] x = TensorContractTest.gaussian(new Random(10), 75, 3f);
        x[5] = 12f;
        x[6] = -12f;
        float[] expected = x.clone(), actual = x.clone();
        ActivationKernels.geluErfReference(expected, 1, 70);
        OPS.geluErf(actual, 1, 70);
        assertRelativelyClose(expected, actual, 1e-5, "exact gelu");
        assertEquals(x[0], actual[0], "outside the range untouched");
        // 0.5 v (1 + erf(v / sqrt 2)) in double (Python's math.erf)
        double[][] known = {{1, 0.8413447460685429}, {-1, -0.15865525393145707}, {2, 1.9544997361036416}, {-3, -0.00404969409489031},
                {0.5, 0.34573123063700656}, {-0.25, -0.10032341857926907}, {4, 3.9998733150326675}};
        for (double[] k : known) {
            float[] one = new float[17];
            java.util.Arrays.fill(one, (float) k[0]); // a full vector and a tail, so both paths are checked
            OPS.geluErf(one, 0, one.length);
            for (float y : one) assertEquals(k[1], y, 3e-7 * Math.max(1, Math.abs(k[0])), "gelu(" + k[0] + ")");
        }
    }

    private static float geluOf(float v) {
        float[] one = {v};
        OPS.gelu(one, 0, 1);
        return one[0];
    }

    @Test
    void mulAndAddWorkInPlaceWithOffsets() {
        float[] a = {1, 2, 3, 4, 5, 6};
        float[] b = {10, 20, 30, 40};
        OPS.mul(a, 1, a, 1, b, 0, 3);
        assertEquals(Arrays.toString(new float[] {1, 20, 60, 120, 5, 6}), Arrays.toString(a));
        OPS.add(a, 0, a, 0, b, 1, 3);
        assertEquals(Arrays.toString(new float[] {21, 50, 100, 120, 5, 6}), Arrays.toString(a));
    }

    @Test
    void floatDotMatchesReference() {
        Random random = new Random(77);
        for (int n : new int[] {1, 15, 64, 100, 1000}) {
            float[] a = TensorContractTest.gaussian(random, n + 3, 1f), b = TensorContractTest.gaussian(random, n + 5, 1f);
            float expected = GemmKernels.dotReference(a, 3, b, 5, n), actual = GemmKernels.dot(a, 3, b, 5, n);
            assertEquals(expected, actual, 1e-4 * Math.sqrt(n) + 1e-5, "n=" + n);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16"})
    void layernormMatchesReference(GgmlType weightType) {
        Random random = new Random(11);
        int n = 100;
        Tensor weight = Tensor.fromFloats(weightType, TensorContractTest.gaussian(random, n, 1f));
        Tensor bias = Tensor.fromFloats(weightType, TensorContractTest.gaussian(random, n, 1f));
        float[] x = TensorContractTest.gaussian(random, n + 3, 2f);
        for (int i = 0; i < x.length; i++) x[i] += 5f; // an offset mean, which a one-pass variance would lose precision on
        for (Tensor b : new Tensor[] {bias, null}) {
            float[] expected = new float[n + 1], actual = new float[n + 1];
            NormKernels.layernormReference(expected, 1, x, 3, weight, b, n, 1e-6f);
            OPS.layernorm(actual, 1, x, 3, weight, b, n, 1e-6f);
            for (int i = 0; i <= n; i++) assertEquals(expected[i], actual[i], 1e-5 * (1 + Math.abs(expected[i])), "layernorm [" + i + "]");
        }
        // the definition: zero mean and unit variance before the affine part
        Tensor ones = Tensor.fromFloats(GgmlType.F32, filled(n, 1f));
        float[] normed = new float[n];
        OPS.layernorm(normed, 0, x, 3, ones, null, n, 0f);
        double mean = 0, square = 0;
        for (float v : normed) { mean += v; square += v * (double) v; }
        assertEquals(0, mean / n, 1e-5, "mean");
        assertEquals(1, square / n, 1e-4, "variance");
        float[] inPlace = Arrays.copyOf(x, x.length), expected = new float[n];
        NormKernels.layernormReference(expected, 0, x, 3, weight, bias, n, 1e-6f);
        OPS.layernorm(inPlace, 3, inPlace, 3, weight, bias, n, 1e-6f);
        for (int i = 0; i < n; i++) assertEquals(expected[i], inPlace[3 + i], 1e-5 * (1 + Math.abs(expected[i])), "in place");
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }

    /** Snake, channel moments and per-channel scale-and-shift, on widths off the vector length, against their references. */
    @Test
    void channelwiseKernelsMatchReferences() {
        Random random = new Random(91);
        for (int channels : new int[] {5, 16, 37, 128}) {
            int rows = 23;
            float[] x = TensorContractTest.gaussian(random, rows * channels, 2f), alpha = new float[channels];
            for (int c = 0; c < channels; c++) alpha[c] = 0.5f + random.nextFloat();
            float[] expected = x.clone(), actual = x.clone();
            ActivationKernels.snakeReference(expected, rows, channels, alpha);
            OPS.snake(actual, rows, channels, alpha);
            assertRelativelyClose(expected, actual, 1e-5, "snake over " + channels + " channels");

            float[] mean = new float[channels], variance = new float[channels], refMean = new float[channels], refVariance = new float[channels];
            for (int i = 0; i < x.length; i++) x[i] += 3f; // an offset, so that a one-pass variance would lose digits
            NormKernels.channelMomentsReference(x, rows, channels, refMean, refVariance);
            OPS.channelMoments(x, rows, channels, mean, variance);
            assertRelativelyClose(refMean, mean, 1e-5, "channel means");
            assertRelativelyClose(refVariance, variance, 1e-5, "channel variances");

            float[] scale = TensorContractTest.gaussian(random, channels, 1f), shift = TensorContractTest.gaussian(random, channels, 1f);
            float[] shifted = new float[x.length], refShifted = new float[x.length];
            NormKernels.scaleShiftReference(x, rows, channels, scale, shift, refShifted);
            OPS.scaleShift(x, rows, channels, scale, shift, shifted);
            assertRelativelyClose(refShifted, shifted, 1e-6, "scale and shift");
            OPS.scaleShift(x, rows, channels, scale, shift, x);
            assertRelativelyClose(refShifted, x, 1e-6, "scale and shift in place");
        }
    }

    @Test
    void geluQuickMatchesReference() {
        Random random = new Random(12);
        float[] x = TensorContractTest.gaussian(random, 75, 3f);
        float[] expected = x.clone(), actual = x.clone();
        ActivationKernels.geluQuickReference(expected, 1, 70);
        OPS.geluQuick(actual, 1, 70);
        assertRelativelyClose(expected, actual, 1e-5, "gelu_quick");
        assertEquals((float) (x[4] / (1 + Math.exp(-1.702 * x[4]))), actual[4], 1e-5 * Math.abs(actual[4]), "definition");
    }

    /** Shapes with every edge: rows not a multiple of 4, columns not a multiple of the vector tiles, odd strides. */
    @Test
    void activationMatmulsMatchReferences() {
        Random random = new Random(13);
        for (int[] shape : new int[][] {{9, 70, 72}, {16, 128, 64}, {3, 5, 7}, {4, 64, 1}, {7, 16, 37}, {5, 40, 9}}) {
            int m = shape[0], n = shape[1], k = shape[2];
            int lda = k + 3, ldc = n + 2;
            float[] a = TensorContractTest.gaussian(random, 2 + m * lda, 1f);
            int ldbNN = n + 1, ldbNT = k + 5;
            float[] bNN = TensorContractTest.gaussian(random, 1 + k * ldbNN, 1f), bNT = TensorContractTest.gaussian(random, 1 + n * ldbNT, 1f);
            float[] expected = new float[3 + m * ldc], actual = new float[3 + m * ldc];
            GemmKernels.matmulNNReference(a, 2, lda, bNN, 1, ldbNN, expected, 3, ldc, m, n, k);
            OPS.matmulNN(a, 2, lda, bNN, 1, ldbNN, actual, 3, ldc, m, n, k);
            for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 1e-4 * Math.sqrt(k), "NN " + Arrays.toString(shape) + " [" + i + "]");
            expected = new float[3 + m * ldc];
            actual = new float[3 + m * ldc];
            GemmKernels.matmulNTReference(a, 2, lda, bNT, 1, ldbNT, expected, 3, ldc, m, n, k);
            OPS.matmulNT(a, 2, lda, bNT, 1, ldbNT, actual, 3, ldc, m, n, k);
            for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 1e-4 * Math.sqrt(k), "NT " + Arrays.toString(shape) + " [" + i + "]");
        }
    }

    /**
     * Half-precision matrix-vector products take their own kernel (rows converted four at a time, a slice of columns
     * after another): rows wider than a slice and not a multiple of the vector length, row counts not a multiple of
     * four, and several matrices in one parallel loop.
     */
    @Test
    void halfMatrixVectorProductsMatchReference() {
        Random random = new Random(21);
        assertMatrixVectorProductsMatchReference(GgmlType.F16, random, new int[][] {{300, 1500}, {66, 37}, {5, 2100}, {3, 16}});
        int cols = 96;
        Tensor[] ws = new Tensor[3];
        float[][] outs = new float[3][];
        int[] rows = {40, 7, 96};
        for (int i = 0; i < 3; i++) {
            ws[i] = Tensor.fromFloats(i == 1 ? GgmlType.F32 : GgmlType.F16, TensorContractTest.gaussian(random, rows[i] * cols, 0.05f));
            outs[i] = new float[rows[i]];
        }
        float[] x = TensorContractTest.gaussian(random, cols, 1f);
        OPS.matmul(x, 1, cols, ws, outs, rows);
        for (int i = 0; i < 3; i++) {
            float[] expected = new float[rows[i]];
            MatmulKernels.matmulReference(ws[i], x, expected, rows[i], cols);
            for (int r = 0; r < rows[i]; r++) {
                double magnitude = TensorContractTest.absDot(ws[i], (long) r * cols, x, 0, cols);
                TensorContractTest.assertClose(expected[r], outs[i][r], magnitude, cols, "matrix " + i + " row " + r);
            }
        }
    }

    /** a · w for narrow matrices (four rows at a time), wide ones (a row at a time, in slices), and the leftovers. */
    @ParameterizedTest
    @EnumSource(names = {"F16", "F32"})
    void vectorMatrixProductsMatchReference(GgmlType type) {
        Random random = new Random(22);
        for (int[] shape : new int[][] {{1500, 64}, {64, 1500}, {7, 37}, {6, 600}, {3, 4500}, {1, 5}}) {
            int rows = shape[0], cols = shape[1];
            Tensor w = Tensor.fromFloats(type, TensorContractTest.gaussian(random, rows * cols, 0.05f));
            float[] a = TensorContractTest.gaussian(random, rows + 3, 1f);
            float[] expected = new float[cols + 2], actual = new float[cols + 2];
            Arrays.fill(actual, 9f); // the product overwrites what was there
            expected[0] = expected[cols + 1] = actual[0] = actual[cols + 1] = 5f;
            MatmulKernels.vecmatReference(w, a, 3, expected, 1, rows, cols);
            OPS.vecmat(w, a, 3, actual, 1, rows, cols);
            for (int c = 0; c < cols; c++) {
                double magnitude = 0;
                for (int r = 0; r < rows; r++) magnitude += Math.abs((double) w.get((long) r * cols + c) * a[3 + r]);
                TensorContractTest.assertClose(expected[1 + c], actual[1 + c], magnitude, rows, type + " " + rows + "x" + cols + " column " + c);
            }
            assertEquals(5f, actual[0], "left of the output");
            assertEquals(5f, actual[cols + 1], "right of the output");
        }
    }
}
