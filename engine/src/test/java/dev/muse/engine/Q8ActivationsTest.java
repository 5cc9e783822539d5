package dev.muse.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
                int telescoped = (short) (expected - (i % 4 == 0 ? 0 : 16 * (int) Math.rint(x[i - 1] * inverse)));
                assertEquals(telescoped, (short) q.pairs[i], "telescoped multiplier " + i);
                assertEquals(telescoped, q.pairs[i] >> 16, "upper half of multiplier " + i);
                assertEquals(expected, q.integer(i), "integer " + i);
                assertEquals(expected * q.scales[b], q.value(i));
            }
            assertEquals(q.scales[b] * 0x1p112f, q.rebasedScales[b], "rebased scale of block " + b);
            assertEquals((short) (-8 * sum), (short) q.corrections[b], "correction of block " + b);
            assertEquals(q.corrections[b] & 0xFFFF, q.corrections[b] >>> 16);
        }
    }

    /** Four columns packed as u = q0 + 16 q1 + 256 q2 + 4096 q3 times the telescoped multipliers give sum qk ak. */
    @Test
    void telescopedMultipliersGiveTheDotProductOfPackedQuants() {
        Random random = new Random(8);
        float[] x = TensorContractTest.gaussian(random, 64, 1f);
        Q8Activations q = Q8Activations.of(x, 1, 64);
        for (int trial = 0; trial < 1000; trial++) {
            int c = 4 * random.nextInt(16), packed = random.nextInt(1 << 16);
            short sum = 0;
            int expected = 0;
            for (int k = 0; k < 4; k++) {
                sum += (short) ((packed >>> 4 * k) * (short) q.pairs[c + k]);
                expected += (packed >>> 4 * k & 0xF) * q.integer(c + k);
            }
            assertEquals((short) expected, sum, "quants " + Integer.toHexString(packed) + " at column " + c);
        }
    }

    @Test
    void roundGivesTheValuesBack() {
        int rows = 2, cols = 96;
        float[] x = TensorContractTest.gaussian(new Random(9), rows * cols, 3f), out = new float[rows * cols];
        Q8Activations.round(x, rows, cols, out);
        Q8Activations q = Q8Activations.of(x, rows, cols);
        for (int i = 0; i < out.length; i++) assertEquals(q.value(i), out[i], "value " + i);
        Q8Activations.round(x, rows, cols, x); // in place
        assertArrayEquals(out, x);
    }

    @Test
    void refusesPartialBlocks() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Q8Activations.of(new float[40], 1, 40));
    }
}
