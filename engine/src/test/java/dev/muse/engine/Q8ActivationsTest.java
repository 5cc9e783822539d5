package dev.muse.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Activations quantised as llama.cpp's Q8_0 (its x86 path): scale amax / 127 in fp16, integers rounded ties to even. */
class Q8ActivationsTest {
    @Test
    void matchesTheScalarDefinition() {
        int rows = 3, cols = 256;
        Random random = new Random(7);
        float[] x = TensorContractTest.gaussian(random, rows * cols, 2f);
        for (int i = 64; i < 96; i++) x[i] = 0f; // a block of zeros: scale 0, integers 0
        for (int i = 96; i < 128; i++) x[i] = (i % 5 - 2) * 127f / 2f; // exact ties: k + 0.5 * 127 / amax ... rounded to even
        for (int i = 128; i < 160; i++) x[i] = i == 140 ? -1e-3f : 1e-9f; // one value dominates its block
        Q8Activations q = Q8Activations.of(x, rows, cols);
        for (int b = 0; b < rows * cols / 32; b++) {
            float amax = 0;
            for (int i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(x[32 * b + i]));
            float inverse = amax != 0 ? 127f / amax : 0f;
            assertEquals(Float.float16ToFloat(Float.floatToFloat16(amax / 127f)), q.scales[b], "scale of block " + b);
            int sum = 0;
            for (int i = 32 * b; i < 32 * b + 32; i++) {
                int expected = (int) Math.rint(x[i] * inverse);
                sum += expected;
                assertEquals(expected, (short) q.pairs[i], "value " + i);
                assertEquals(expected, q.pairs[i] >> 16, "upper half of value " + i);
                assertEquals(expected * q.scales[b], q.value(i));
            }
            assertEquals((short) (-8 * sum), (short) q.corrections[b], "correction of block " + b);
            assertEquals(q.corrections[b] & 0xFFFF, q.corrections[b] >>> 16);
        }
    }

    @Test
    void refusesPartialBlocks() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Q8Activations.of(new float[40], 1, 40));
    }
}
