package dev.muse.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Ops#attention} against its definition, written as plain loops: strided rows, per-row visible ranges, in place. */
class AttentionKernelsTest {
    @Test
    void blocksOfRowsAttendAsTheDefinitionSays() {
        SplittableRandom random = new SplittableRandom(7);
        int rows = 5, headSize = 24, length = 37, qStride = 3 * headSize, kvStride = 2 * headSize, qOff = headSize, kvOff = headSize + 8;
        float[] q = gaussians(random, qOff + rows * qStride), k = gaussians(random, kvOff + length * kvStride), v = gaussians(random, k.length);
        int[] from = {0, 0, 4, 10, 36}, to = {1, 20, 37, 11, 37}; // one position, a prefix, a window, one in the middle, the last
        float scale = 0.4f;
        float[] expected = new float[q.length];
        for (int i = 0; i < rows; i++) reference(q, qOff + i * qStride, k, v, kvOff, kvStride, from[i], to[i], headSize, scale, expected, qOff + i * qStride);
        float[] out = new float[q.length];
        Ops.cpu().attention(q, qOff, qStride, k, v, kvOff, kvStride, length, from, to, rows, headSize, scale, out, qOff, qStride);
        for (int i = 0; i < out.length; i++) assertEquals(expected[i], out[i], 1e-5, "element " + i);
        float[] inPlace = q.clone();
        Ops.cpu().attention(inPlace, qOff, qStride, k, v, kvOff, kvStride, length, from, to, rows, headSize, scale, inPlace, qOff, qStride);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < headSize; j++) {
                int at = qOff + i * qStride + j;
                assertEquals(expected[at], inPlace[at], 1e-5, "in place, row " + i);
            }
    }

    /** softmax(scale * q · k_t for t in [from, to)) · v, one query row, in double. */
    private static void reference(float[] q, int qAt, float[] k, float[] v, int kvOff, int kvStride, int from, int to, int headSize,
                                  float scale, float[] out, int outAt) {
        double[] weights = new double[to - from];
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int t = from; t < to; t++) {
            double dot = 0;
            for (int j = 0; j < headSize; j++) dot += (double) q[qAt + j] * k[kvOff + t * kvStride + j];
            weights[t - from] = scale * dot;
            max = Math.max(max, weights[t - from]);
        }
        for (int t = 0; t < weights.length; t++) sum += weights[t] = Math.exp(weights[t] - max);
        for (int j = 0; j < headSize; j++) {
            double acc = 0;
            for (int t = from; t < to; t++) acc += weights[t - from] / sum * v[kvOff + t * kvStride + j];
            out[outAt + j] = (float) acc;
        }
    }

    private static float[] gaussians(SplittableRandom random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
        return x;
    }
}
