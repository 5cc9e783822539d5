package dev.muse.engine;

import static dev.muse.engine.Simd.F;
import static dev.muse.engine.Simd.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Activation rows quantised as llama.cpp quantises them for its Q4_0 products (Q8_0: per 32 values one scale,
 * amax / 127 rounded to fp16, and integers round(x * 127 / amax) in [-127, 127], ties to even), in the form the
 * row-grouped Q4_0 kernels read ({@link Q4_0RowGroupTensor}).
 *
 * <p>Why integers: a Q4_0 quant times such an integer, summed over a block of 32, always fits in 16 bits
 * (|q - 8| * 127 * 32 = 32512), so the kernels multiply and add 16-bit lanes, twice the lanes of a float vector and
 * on more of the core's vector pipes, and convert to float once per block.
 */
final class Q8Activations {
    static final int BLOCK = 32;
    private static final ThreadLocal<Q8Activations> PER_THREAD = ThreadLocal.withInitial(Q8Activations::new);

    /** Per value: its integer in both 16-bit halves, so one int broadcast fills a vector of shorts with it. */
    int[] pairs = new int[0];
    /** Per block of 32 values: the scale. */
    float[] scales = new float[0];
    /**
     * Per block: -8 times the sum of its integers, in both 16-bit halves (two's complement, wrapping). The kernels
     * start a block's sum from it, so that they can multiply by the unsigned quants q rather than q - 8.
     */
    int[] corrections = new int[0];

    private Q8Activations() {}

    /** rows x cols activations at x[0 ..] quantised, row after row, into the calling thread's reusable instance. */
    static Q8Activations of(float[] x, int rows, int cols) {
        Q8Activations q = PER_THREAD.get();
        q.fill(x, rows, cols);
        return q;
    }

    private void fill(float[] x, int rows, int cols) {
        if (cols % BLOCK != 0) throw new IllegalArgumentException(cols + " columns is not a whole number of blocks of " + BLOCK);
        int n = rows * cols;
        if (pairs.length < n) {
            pairs = new int[n];
            scales = new float[n / BLOCK];
            corrections = new int[n / BLOCK];
        }
        quantize(x, n);
    }

    /** The value at index as these integers and scales give it back (for tests and references). */
    float value(int index) {
        return (short) pairs[index] * scales[index / BLOCK];
    }

    /**
     * rows x cols activations at x[0 ..] replaced by the values their quantisation gives back, in a new array: what
     * a product that multiplies floats takes to compute what the integer kernels compute.
     */
    static float[] rounded(float[] x, int rows, int cols) {
        Q8Activations q = new Q8Activations(); // not the thread's instance, which a caller may be holding
        q.fill(x, rows, cols);
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) values[i] = q.value(i);
        return values;
    }

    private void quantize(float[] x, int n) {
        for (int b = 0; b < n / BLOCK; b++) {
            int base = b * BLOCK;
            FloatVector max = FloatVector.zero(F);
            for (int i = 0; i < BLOCK; i += L) max = max.max(FloatVector.fromArray(F, x, base + i).abs());
            float amax = max.reduceLanes(VectorOperators.MAX), inverse = amax != 0 ? 127f / amax : 0f;
            scales[b] = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
            IntVector sum = IntVector.zero(Simd.I);
            for (int i = 0; i < BLOCK; i += L) {
                // adding and subtracting 1.5 * 2^23 rounds a float below 2^22 to the nearest integer, ties to even
                FloatVector scaled = FloatVector.fromArray(F, x, base + i).mul(inverse).add(0x1.8p23f).sub(0x1.8p23f);
                IntVector q = (IntVector) scaled.convert(VectorOperators.F2I, 0);
                sum = sum.add(q);
                q.and(0xFFFF).or(q.lanewise(VectorOperators.LSHL, 16)).intoArray(pairs, base + i);
            }
            int correction = -8 * sum.reduceLanes(VectorOperators.ADD) & 0xFFFF;
            corrections[b] = correction | correction << 16;
        }
    }
}
