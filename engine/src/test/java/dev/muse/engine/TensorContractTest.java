package dev.muse.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Properties every tensor type must have, checked on random data: the Vector API kernels agree with the scalar
 * references, dequantize agrees with get, quantising round-trips within the format's precision, and sizes are
 * validated. Layout correctness against ggml is pinned separately by {@link TensorLayoutTest}.
 */
class TensorContractTest {
    static float[] gaussian(Random random, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) random.nextGaussian() * scale;
        // a few outliers, as real weight rows have, so block scales vary
        for (int i = 0; i < n / 50; i++) v[random.nextInt(n)] *= 8;
        return v;
    }

    /** Sizes per type: several blocks; for unblocked types also lengths that leave vector tails. */
    static int[] sizes(GgmlType type) {
        int block = type.blockSize;
        return block == 1 ? new int[] {1, 7, 16, 33, 100, 1000, 4099} : new int[] {block, 2 * block, 5 * block, 33 * block};
    }

    /**
     * |fast - reference| must be small next to sum |w_i x_i| (the scale of the rounding either sum can make),
     * growing like sqrt(n) as accumulated float rounding does: a misplaced chunk or scale is far outside it.
     */
    static void assertClose(float reference, float fast, double magnitude, int n, String what) {
        double tolerance = 8 * Math.sqrt(n) * 0x1p-24 * magnitude + 1e-30;
        assertTrue(Math.abs(fast - reference) <= tolerance,
                what + ": fast " + fast + " vs reference " + reference + " (tolerance " + tolerance + ")");
    }

    static double absDot(Tensor t, long offset, float[] x, int xOffset, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) sum += Math.abs((double) t.get(offset + i) * x[xOffset + i]);
        return sum;
    }

    static Tensor nativeCopy(Tensor heap, Arena arena) {
        MemorySegment segment = arena.allocate(heap.data().byteSize(), 64);
        segment.copyFrom(heap.data());
        return Tensor.of(heap.type(), segment, heap.size());
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void dotAgreesWithReferenceAtOffsets(GgmlType type) {
        Random random = new Random(type.id);
        for (int n : sizes(type)) {
            int rows = 3;
            Tensor t = Tensor.fromFloats(type, gaussian(random, rows * n, 0.05f));
            float[] x = gaussian(random, n + 5, 1f);
            for (int row = 0; row < rows; row++) {
                for (int xOffset : new int[] {0, 5}) {
                    long offset = (long) row * n; // block multiples, odd ones included
                    float reference = t.dotReference(offset, x, xOffset, n);
                    float fast = t.dot(offset, x, xOffset, n);
                    assertClose(reference, fast, absDot(t, offset, x, xOffset, n), n, type + " n=" + n + " row=" + row);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void nativeSegmentsGiveTheSameDots(GgmlType type) {
        Random random = new Random(100 + type.id);
        int n = 4 * Math.max(256, type.blockSize);
        Tensor heap = Tensor.fromFloats(type, gaussian(random, n, 0.05f));
        float[] x = gaussian(random, n, 1f);
        try (Arena arena = Arena.ofConfined()) {
            Tensor offHeap = nativeCopy(heap, arena);
            // reduceLanes may add lanes in a different order once compiled, so exact equality is not promised
            float reference = heap.dotReference(0, x, 0, n);
            assertEquals(reference, offHeap.dotReference(0, x, 0, n), type.toString());
            assertClose(reference, offHeap.dot(0, x, 0, n), absDot(heap, 0, x, 0, n), n, type + " native");
        }
    }

    /**
     * Enough calls that C2 usually compiles dot and dotBatch with their vector intrinsics before the loop ends (the
     * interpreter and C1 run the Vector API's plain-Java fallback instead), checking every result on the way.
     */
    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void compiledDotStaysCorrect(GgmlType type) {
        Random random = new Random(200 + type.id);
        int n = 256, rows = 4;
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = nativeCopy(Tensor.fromFloats(type, gaussian(random, rows * n, 0.05f)), arena);
            float[] x = gaussian(random, rows * n, 1f);
            float[] reference = new float[rows];
            double[] magnitude = new double[rows];
            for (int r = 0; r < rows; r++) {
                reference[r] = t.dotReference((long) r * n, x, r * n, n);
                magnitude[r] = absDot(t, (long) r * n, x, r * n, n);
            }
            float[] batched = new float[rows];
            for (int call = 0; call < 30_000; call++) {
                int r = call % rows;
                assertClose(reference[r], t.dot((long) r * n, x, r * n, n), magnitude[r], n, type + " call " + call);
                if (call % 16 == 0) {
                    t.dotBatch(0, x, n, rows, batched, 0, 1); // weight row 0 against all four activation rows
                    float expected = t.dotReference(0, x, 3 * n, n);
                    assertClose(expected, batched[3], absDot(t, 0, x, 3 * n, n), n, type + " batch call " + call);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void dequantizeAgreesWithGet(GgmlType type) {
        Random random = new Random(300 + type.id);
        int block = type.blockSize == 1 ? 1 : type.blockSize;
        int n = 6 * Math.max(block, 64);
        Tensor t = Tensor.fromFloats(type, gaussian(random, n, 1f));
        int offset = 3 * block, count = n - 4 * block;
        float[] out = new float[count + 2];
        t.dequantize(offset, out, 2, count);
        for (int i = 0; i < count; i++) assertEquals(t.get(offset + i), out[2 + i], type + " element " + (offset + i));
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void dotBatchAgreesWithDotPerRow(GgmlType type) {
        Random random = new Random(400 + type.id);
        int n = 2 * Math.max(256, type.blockSize);
        int rows = 3;
        Tensor t = Tensor.fromFloats(type, gaussian(random, rows * n, 0.05f));
        for (int batch : new int[] {1, 3, 4, 5, 9}) {
            float[] x = gaussian(random, batch * n, 1f);
            int outOffset = 2, outStride = 3;
            float[] out = new float[outOffset + batch * outStride];
            long offset = (long) (rows - 1) * n;
            t.dotBatch(offset, x, n, batch, out, outOffset, outStride);
            for (int b = 0; b < batch; b++) {
                float single = t.dot(offset, x, b * n, n);
                assertClose(single, out[outOffset + b * outStride], absDot(t, offset, x, b * n, n), n, type + " batch " + batch + " row " + b);
            }
        }
    }

    /** RMS of (decoded - original) relative to RMS of the original, with per-format bounds. */
    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void quantizeRoundTripsWithinFormatPrecision(GgmlType type) {
        // measured on this data (which has outliers) plus ~20%; gaussian data without outliers does better
        double bound = switch (type) {
            case F32 -> 0;
            case F16 -> 3e-4;
            case BF16 -> 2.5e-3;
            case Q8_0 -> 0.014;
            case Q6_K -> 0.034;
            case Q5_K -> 0.056;
            case Q4_K -> 0.092;
            case Q4_0 -> 0.12;
            case Q4_1 -> 0.13;
            case Q5_0 -> 0.087;
            case Q5_1 -> 0.062;
            default -> throw new AssertionError(type);
        };
        Random random = new Random(500 + type.id);
        float[] values = gaussian(random, 32 * 256, 0.02f);
        Tensor t = Tensor.fromFloats(type, values);
        assertEquals(type, t.type());
        assertEquals(values.length, t.size());
        float[] decoded = new float[values.length];
        t.dequantize(0, decoded, 0, values.length);
        double error = 0, signal = 0;
        for (int i = 0; i < values.length; i++) {
            error += (decoded[i] - values[i]) * (double) (decoded[i] - values[i]);
            signal += values[i] * (double) values[i];
        }
        double relative = Math.sqrt(error / signal);
        assertTrue(relative <= bound, type + " relative RMS error " + relative + " exceeds " + bound);
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void zerosStayZeros(GgmlType type) {
        int n = Math.max(256, type.blockSize);
        Tensor t = Tensor.fromFloats(type, new float[n]);
        for (int i = 0; i < n; i++) assertEquals(0f, Math.abs(t.get(i)), type + " element " + i);
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void ofRejectsAWrongByteSize(GgmlType type) {
        long elements = 2L * type.blockSize;
        long right = type.byteSize(elements);
        for (long bytes : new long[] {right - 1, right + 1, right + type.typeSize}) {
            MemorySegment data = MemorySegment.ofArray(new byte[(int) bytes]);
            assertThrows(IllegalArgumentException.class, () -> Tensor.of(type, data, elements), type + " with " + bytes + " bytes");
        }
        assertEquals(type, Tensor.of(type, MemorySegment.ofArray(new byte[(int) right]), elements).type());
    }

    @ParameterizedTest
    @EnumSource(names = {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void quantizeRejectsAPartialBlock(GgmlType type) {
        float[] values = new float[type.blockSize + 1];
        assertThrows(IllegalArgumentException.class, () -> Tensor.quantize(type, values));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(type, MemorySegment.ofArray(new byte[type.typeSize]), type.blockSize + 1));
    }
}
