package dev.muse.models.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.muse.engine.Ops;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Cross-attention over half-precision keys and values against its definition in doubles: softmax(scale * q · k) · v
 * per row and head, with k and v rounded to half precision as they are stored (and as whisper.cpp stores them).
 */
class CrossAttentionTest {
    @Test
    void everyRowAndHeadIsTheSoftmaxWeightedSumOfTheRoundedValues() {
        for (int[] shape : new int[][] {{3, 64, 1500, 1}, {2, 8, 37, 3}, {1, 20, 5, 2}}) {
            int heads = shape[0], headSize = shape[1], positions = shape[2], rows = shape[3], dim = heads * headSize;
            SplittableRandom random = new SplittableRandom(positions);
            float scale = (float) (1 / Math.sqrt(headSize));
            CrossAttention attention = new CrossAttention(Ops.cpu(), 2, heads, headSize, positions, scale);
            float[][] keys = new float[2][], values = new float[2][];
            for (int layer = 0; layer < 2; layer++) {
                keys[layer] = gaussian(random, positions * dim);
                values[layer] = gaussian(random, positions * dim);
                attention.store(layer, keys[layer], values[layer]);
            }
            float[] q = gaussian(random, rows * dim);
            for (int layer = 0; layer < 2; layer++) {
                float[] out = new float[rows * dim];
                attention.attend(layer, q, rows, out);
                for (int r = 0; r < rows; r++) {
                    for (int h = 0; h < heads; h++) {
                        double[] expected = reference(keys[layer], values[layer], q, r, h, heads, headSize, positions, scale);
                        for (int i = 0; i < headSize; i++) {
                            assertEquals(expected[i], out[r * dim + h * headSize + i], 2e-5,
                                    heads + "x" + headSize + " over " + positions + ": layer " + layer + ", row " + r + ", head " + h + " [" + i + "]");
                        }
                    }
                }
            }
        }
    }

    @Test
    void refusesShapesItCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> new CrossAttention(Ops.cpu(), 0, 1, 64, 1500, 1f));
        assertThrows(IllegalArgumentException.class, () -> new CrossAttention(Ops.cpu(), 1, 1, 1 << 16, 1 << 16, 1f));
    }

    private static double[] reference(float[] k, float[] v, float[] q, int r, int h, int heads, int headSize, int positions, float scale) {
        int dim = heads * headSize;
        double[] scores = new double[positions];
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int t = 0; t < positions; t++) {
            for (int i = 0; i < headSize; i++) scores[t] += (double) q[r * dim + h * headSize + i] * half(k[t * dim + h * headSize + i]);
            scores[t] *= scale;
            max = Math.max(max, scores[t]);
        }
        for (int t = 0; t < positions; t++) sum += scores[t] = Math.exp(scores[t] - max);
        double[] out = new double[headSize];
        for (int t = 0; t < positions; t++)
            for (int i = 0; i < headSize; i++) out[i] += scores[t] / sum * half(v[t * dim + h * headSize + i]);
        return out;
    }

    private static float half(float value) { return Float.float16ToFloat(Float.floatToFloat16(value)); }

    private static float[] gaussian(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) values[i] = (float) random.nextGaussian();
        return values;
    }
}
