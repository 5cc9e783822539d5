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
 *
 * <p>Why telescoped: the kernels read four columns' quants packed in one 16-bit lane, u = q0 + 16 q1 + 256 q2 +
 * 4096 q3, and multiply u, u >>> 4, u >>> 8 and u >>> 12 unmasked (one operation each instead of a shift and a
 * mask). With multipliers t0 = a0 and tk = ak - 16 a(k-1), that sum is q0 a0 + q1 a1 + q2 a2 + q3 a3 modulo 2^16:
 * each qj's factor is the telescoping sum of 16^(j-k) tk over k <= j, which is aj.
 */
final class Q8Activations {
    static final int BLOCK = 32;
    /** The kernels' raw fp16 scale bits read as a float are the scale times 2^-112 ({@link Q4_0RowGroupTensor}). */
    static final float REBASE = 0x1p112f;
    private static final ThreadLocal<Q8Activations> PER_THREAD = ThreadLocal.withInitial(Q8Activations::new);

    /**
     * Per value at column c: the telescoped multiplier (its integer, less 16 times the previous column's unless c is
     * a multiple of 4), in both 16-bit halves, so one int broadcast fills a vector of shorts with it.
     */
    int[] pairs = new int[0];
    /** Per block of 32 values: the scale. */
    float[] scales = new float[0];
    /** Per block: the scale times {@link #REBASE}, what the kernels multiply the rebased weight scales by. */
    float[] rebasedScales = new float[0];
    /**
     * Per block: -8 times the sum of its integers, in both 16-bit halves (two's complement, wrapping). The kernels
     * start a block's sum from it, so that they can multiply by the unsigned quants q rather than q - 8.
     */
    int[] corrections = new int[0];

    private Q8Activations() {}

    /** rows x cols activations at x[0 ..] quantised, row after row, into the calling thread's reusable instance. */
    static Q8Activations of(float[] x, int rows, int cols) {
        checkBlocks(cols);
        Q8Activations q = PER_THREAD.get();
        int n = rows * cols;
        if (q.pairs.length < n) {
            q.pairs = new int[n];
            q.scales = new float[n / BLOCK];
            q.rebasedScales = new float[n / BLOCK];
            q.corrections = new int[n / BLOCK];
        }
        q.quantize(x, n);
        return q;
    }

    private static void checkBlocks(int cols) {
        if (cols % BLOCK != 0) throw new IllegalArgumentException(cols + " columns is not a whole number of blocks of " + BLOCK);
    }

    /** The integer of the value at index, undoing the telescoping (for tests and references). */
    int integer(int index) {
        int telescoped = (short) pairs[index];
        return index % 4 == 0 ? telescoped : (short) (telescoped + 16 * integer(index - 1));
    }

    /** The value at index as these integers and scales give it back (for tests and references). */
    float value(int index) {
        return integer(index) * scales[index / BLOCK];
    }

    /**
     * rows x cols activations at x[0 ..] written to out[0 ..] as the values their quantisation gives back: what a
     * product that multiplies floats takes to compute what the integer kernels compute. out may be x.
     */
    static void round(float[] x, int rows, int cols, float[] out) {
        checkBlocks(cols);
        for (int base = 0; base < rows * cols; base += BLOCK) {
            float amax = amax(x, base), inverse = amax != 0 ? 127f / amax : 0f, scale = fp16(amax / 127f);
            for (int i = 0; i < BLOCK; i += L)
                ((FloatVector) integers(x, base + i, inverse).convert(VectorOperators.I2F, 0)).mul(scale).intoArray(out, base + i);
        }
    }

    private void quantize(float[] x, int n) {
        for (int b = 0; b < n / BLOCK; b++) {
            int base = b * BLOCK;
            float amax = amax(x, base), inverse = amax != 0 ? 127f / amax : 0f;
            scales[b] = fp16(amax / 127f);
            rebasedScales[b] = scales[b] * REBASE; // exact: a finite fp16 value times 2^112 stays below Float.MAX_VALUE
            IntVector sum = IntVector.zero(Simd.I);
            for (int i = 0; i < BLOCK; i += L) {
                IntVector q = integers(x, base + i, inverse);
                sum = sum.add(q);
                // the previous column's integer: lane k - 1, or none for the first of every four
                IntVector previous = q.unslice(1).and(FIRST_OF_FOUR);
                IntVector t = q.sub(previous.lanewise(VectorOperators.LSHL, 4));
                t.and(0xFFFF).or(t.lanewise(VectorOperators.LSHL, 16)).intoArray(pairs, base + i);
            }
            int correction = -8 * sum.reduceLanes(VectorOperators.ADD) & 0xFFFF;
            corrections[b] = correction | correction << 16;
        }
    }

    /** All ones but in lanes 0, 4, 8, ...: where a column's previous one is in the same run of four. */
    private static final IntVector FIRST_OF_FOUR = IntVector.fromArray(Simd.I, firstOfFour(), 0);

    private static int[] firstOfFour() {
        int[] lanes = new int[L];
        for (int i = 0; i < L; i++) lanes[i] = i % 4 == 0 ? 0 : -1;
        return lanes;
    }

    private static float amax(float[] x, int base) {
        FloatVector max = FloatVector.zero(F);
        for (int i = 0; i < BLOCK; i += L) max = max.max(FloatVector.fromArray(F, x, base + i).abs());
        return max.reduceLanes(VectorOperators.MAX);
    }

    /** round(x * inverse) for the L values at x[at ..], ties to even. */
    private static IntVector integers(float[] x, int at, float inverse) {
        // adding and subtracting 1.5 * 2^23 rounds a float below 2^22 to the nearest integer, ties to even
        FloatVector scaled = FloatVector.fromArray(F, x, at).mul(inverse).add(0x1.8p23f).sub(0x1.8p23f);
        return (IntVector) scaled.convert(VectorOperators.F2I, 0);
    }

    private static float fp16(float value) {
        return Float.float16ToFloat(Float.floatToFloat16(value));
    }
}
