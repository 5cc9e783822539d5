package dev.muse.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The vector exp against Math.exp: ulps for normal results, absolute for subnormal ones, and the edges. */
class SimdTest {
    private static float[] exp(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i += Simd.L) Simd.exp(FloatVector.fromArray(Simd.F, x, i)).intoArray(out, i);
        return out;
    }

    @Test
    void expIsWithinTwoUlpOfMathExp() {
        Random random = new Random(5);
        float[] x = new float[1 << 16];
        for (int i = 0; i < x.length; i++) x[i] = i < 1024 ? (i - 512) / 64f : (float) (random.nextDouble() * 200 - 110);
        float[] actual = exp(x);
        for (int i = 0; i < x.length; i++) {
            float expected = (float) Math.exp(x[i]);
            String what = "exp(" + x[i] + ") = " + actual[i] + ", Math.exp " + expected;
            if (expected >= Float.MIN_NORMAL && !Float.isInfinite(expected))
                assertTrue(Math.abs(actual[i] - expected) <= 2 * Math.ulp(expected), what);
            else if (Float.isInfinite(expected)) assertEquals(expected, actual[i], what);
            else assertTrue(Math.abs(actual[i] - expected) <= Float.MIN_VALUE, what);
        }
    }

    @Test
    void expEdges() {
        float[] x = new float[Simd.L];
        float[] special = {0f, -0f, 1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 88.72f, 88.73f, -87.33f, -103.98f, -104f, -1e30f, 1e30f};
        for (int start = 0; start < special.length; start += Simd.L) {
            int n = Math.min(Simd.L, special.length - start);
            System.arraycopy(special, start, x, 0, n);
            float[] actual = exp(x);
            for (int i = 0; i < n; i++) {
                float expected = (float) Math.exp(x[i]);
                if (Float.isNaN(expected)) assertTrue(Float.isNaN(actual[i]), "exp(NaN)");
                else assertEquals(expected, actual[i], Math.max(Float.MIN_VALUE, 2 * Math.ulp(expected)), "exp(" + x[i] + ")");
            }
        }
    }
}
