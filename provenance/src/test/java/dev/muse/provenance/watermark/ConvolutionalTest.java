package dev.muse.provenance.watermark;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ConvolutionalTest {
    @Test
    void viterbiUndoesTheCodeAndCorrectsScatteredErrors() {
        Random r = new Random(3);
        for (int round = 0; round < 50; round++) {
            int[] bits = new int[64];
            for (int i = 0; i < bits.length; i++) bits[i] = r.nextInt(2);
            int[] coded = Convolutional.encode(bits);
            assertEquals(140, coded.length);
            float[] soft = new float[coded.length];
            for (int i = 0; i < coded.length; i++) soft[i] = coded[i] == 1 ? 1 : -1;
            assertArrayEquals(bits, Convolutional.decode(soft, 64), "clean");
            for (int k = 0; k < 5; k++) { // five hard errors spread apart: the free distance (10) corrects them
                int at = 10 + k * 26 + r.nextInt(4);
                soft[at] = -soft[at];
            }
            assertArrayEquals(bits, Convolutional.decode(soft, 64), "round " + round + " with five flipped code bits");
        }
    }

    @Test
    void theCrcCatchesAWrongWord() {
        long payload = 0xABCDEF012345L;
        float[] code = Spread.encode(payload);
        long word = Spread.word(code);
        assertEquals(payload, word >>> 16);
        assertTrue(Spread.checks(word));
        assertFalse(Spread.checks(word ^ (1L << 20)));
        assertThrows(IllegalArgumentException.class, () -> Spread.encode(1L << 48));
    }
}
