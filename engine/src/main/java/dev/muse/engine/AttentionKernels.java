package dev.muse.engine;

import java.util.Arrays;

/**
 * Scaled dot-product attention of one head for a block of query rows ({@link Ops#attention}): the block's queries meet
 * the keys they may see as one small matrix product, each row's scores are scaled and soft-maxed over its own visible
 * range (the rest weigh 0), and the weights meet the values as a second product (a prompt of 512 tokens spent a seventh
 * of its time in a loop of dot products per row and position before these were products).
 */
final class AttentionKernels {
    /** Per kernel thread: a block's scores, rows x positions. */
    private static final ThreadLocal<float[]> SCORES = ThreadLocal.withInitial(() -> new float[0]);

    private AttentionKernels() {}

    static void attention(float[] q, int qOff, int qStride, float[] k, float[] v, int kvOff, int kvStride, int length,
                          int[] from, int[] to, int rows, int headSize, float scale, float[] out, int outOff, int outStride) {
        float[] scores = SCORES.get();
        if (scores.length < rows * length) SCORES.set(scores = new float[rows * length]);
        GemmKernels.matmulNT(q, qOff, qStride, k, kvOff, kvStride, scores, 0, length, rows, length, headSize);
        for (int i = 0; i < rows; i++) {
            int row = i * length;
            for (int t = from[i]; t < to[i]; t++) scores[row + t] *= scale;
            ActivationKernels.softmax(scores, row + from[i], to[i] - from[i]);
            Arrays.fill(scores, row, row + from[i], 0f);
            Arrays.fill(scores, row + to[i], row + length, 0f);
        }
        GemmKernels.matmulNN(scores, 0, length, v, kvOff, kvStride, out, outOff, outStride, rows, headSize, length);
    }
}
