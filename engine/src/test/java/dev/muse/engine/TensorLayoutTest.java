package dev.muse.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.IntVector;
import org.junit.jupiter.api.Test;

/**
 * Known answers that pin each format to ggml's byte layout: blocks built by hand from the ggml struct layouts,
 * with the floats ggml's dequantize_row_* gives for them worked out by hand; and the bytes ggml's reference
 * quantisers produce for hand-picked inputs. Every expected value is read back through get, dequantize, a
 * one-hot dot (the vector kernel) and a one-hot dotBatch.
 */
class TensorLayoutTest {

    /** Little-endian fp16 (given as raw bits) at byte offset at. */
    static void half(byte[] block, int at, int bits) {
        block[at] = (byte) bits;
        block[at + 1] = (byte) (bits >>> 8);
    }

    static Tensor tensor(GgmlType type, byte[] bytes) {
        return Tensor.of(type, MemorySegment.ofArray(bytes), bytes.length / type.typeSize * (long) type.blockSize);
    }

    /** Checks element index == expected through every read path, bit for bit. */
    static void assertElement(Tensor t, int index, float expected) {
        int n = (int) t.size();
        String what = t.type() + " element " + index;
        assertEquals(expected, t.get(index), what + " via get");
        float[] all = new float[n];
        t.dequantize(0, all, 0, n);
        assertEquals(expected, all[index], what + " via dequantize");
        float[] oneHot = new float[n];
        oneHot[index] = 1f;
        assertEquals(expected, t.dot(0, oneHot, 0, n), what + " via dot");
        assertEquals(expected, t.dotReference(0, oneHot, 0, n), what + " via dotReference");
        float[] rows = new float[5 * n]; // five activation rows: the one-hot is in row 3
        rows[3 * n + index] = 1f;
        float[] out = new float[5];
        t.dotBatch(0, rows, n, 5, out, 0, 1);
        assertEquals(expected, out[3], what + " via dotBatch");
        assertEquals(0f, out[2], what + " via dotBatch, other row");
    }

    @Test
    void f16() {
        byte[] b = new byte[2 * 40];
        int[][] cases = {{0, 0x3C00}, {1, 0xC000}, {2, 0x0001}, {3, 0x7BFF}, {4, 0x3555}, {5, 0x8400}, {6, 0x03FF}, {17, 0x4248}, {39, 0xB800}};
        for (int[] c : cases) half(b, 2 * c[0], c[1]);
        Tensor t = tensor(GgmlType.F16, b);
        assertElement(t, 0, 1f);
        assertElement(t, 1, -2f);
        assertElement(t, 2, 0x1p-24f);
        assertElement(t, 3, 65504f);
        assertElement(t, 4, 0.333251953125f);
        assertElement(t, 5, -0x1p-14f);
        assertElement(t, 6, 1023 * 0x1p-24f);
        assertElement(t, 17, 3.140625f);
        assertElement(t, 39, -0.5f); // in the scalar tail after the vector chunks
        assertElement(t, 7, 0f);
    }

    /** The vector fp16 decoder against Float.float16ToFloat for all 65536 bit patterns. */
    @Test
    void halfToFloatIsExactForEveryPattern() {
        int lanes = Simd.I.length();
        int[] bits = new int[lanes];
        float[] out = new float[lanes];
        for (int base = 0; base < 1 << 16; base += lanes) {
            for (int k = 0; k < lanes; k++) bits[k] = (short) (base + k); // sign-extended, as S2I leaves them
            Simd.halfToFloat(IntVector.fromArray(Simd.I, bits, 0)).intoArray(out, 0);
            for (int k = 0; k < lanes; k++) {
                float expected = Float.float16ToFloat((short) bits[k]);
                if (Float.isNaN(expected)) assertTrue(Float.isNaN(out[k]), "half 0x" + Integer.toHexString(base + k));
                else assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[k]), "half 0x" + Integer.toHexString(base + k));
            }
        }
    }

    @Test
    void bf16() {
        byte[] b = new byte[2 * 20];
        int[][] cases = {{0, 0x3F80}, {1, 0xC040}, {2, 0x4049}, {3, 0x0001}, {19, 0xBE00}};
        for (int[] c : cases) half(b, 2 * c[0], c[1]);
        Tensor t = tensor(GgmlType.BF16, b);
        assertElement(t, 0, 1f);
        assertElement(t, 1, -3f);
        assertElement(t, 2, 3.140625f);
        assertElement(t, 3, Float.intBitsToFloat(0x00010000));
        assertElement(t, 19, -0.125f);
        assertEquals(Float.POSITIVE_INFINITY, BF16Tensor.toFloat((short) 0x7F80));
    }

    @Test
    void bf16RoundsLikeGgml() {
        assertEquals((short) 0x3F80, BF16Tensor.fromFloat(Float.intBitsToFloat(0x3F808000)), "tie goes to even (down)");
        assertEquals((short) 0x3F82, BF16Tensor.fromFloat(Float.intBitsToFloat(0x3F818000)), "tie goes to even (up)");
        assertEquals((short) 0x3F81, BF16Tensor.fromFloat(Float.intBitsToFloat(0x3F808001)), "above the tie rounds up");
        assertEquals((short) 0x7FC0, BF16Tensor.fromFloat(Float.intBitsToFloat(0x7F800001)), "a NaN stays NaN, made quiet");
        assertEquals((short) 0x7F80, BF16Tensor.fromFloat(Float.MAX_VALUE), "overflow rounds to infinity");
        assertEquals((short) 0xC040, BF16Tensor.fromFloat(-3f));
    }

    @Test
    void q8_0() {
        byte[] b = new byte[2 * 34];
        half(b, 0, 0x3800); // block 0: d = 0.5
        b[2] = 1;
        b[3] = -2;
        b[2 + 5] = 127;
        b[2 + 31] = -128;
        half(b, 34, 0xC000); // block 1: d = -2
        b[36] = 3;
        b[36 + 17] = -7;
        Tensor t = tensor(GgmlType.Q8_0, b);
        assertElement(t, 0, 0.5f);
        assertElement(t, 1, -1f);
        assertElement(t, 5, 63.5f);
        assertElement(t, 31, -64f);
        assertElement(t, 32, -6f);
        assertElement(t, 49, 14f);
        assertElement(t, 2, 0f);
    }

    @Test
    void q4_0() {
        byte[] b = new byte[2 * 18];
        half(b, 0, 0x4000); // block 0: d = 2
        b[2] = 0x1F; // element 0: low nibble 15, element 16: high nibble 1
        b[3] = (byte) 0x80;
        half(b, 18, 0x3400); // block 1: d = 0.25
        b[20 + 15] = (byte) 0xC3;
        Tensor t = tensor(GgmlType.Q4_0, b);
        assertElement(t, 0, 14f);
        assertElement(t, 16, -14f);
        assertElement(t, 1, -16f);
        assertElement(t, 17, 0f);
        assertElement(t, 2, -16f); // nibble 0 decodes to -8 d
        assertElement(t, 47, -1.25f);
        assertElement(t, 63, 1f);
    }

    @Test
    void q4_1() {
        byte[] b = new byte[2 * 20];
        half(b, 0, 0x3800); // block 0: d = 0.5
        half(b, 2, 0xBC00); // m = -1
        b[4] = 0x2F;
        b[4 + 7] = (byte) 0x90;
        half(b, 20, 0x4000); // block 1: d = 2
        half(b, 22, 0x3C00); // m = 1
        b[24 + 3] = 0x05;
        Tensor t = tensor(GgmlType.Q4_1, b);
        assertElement(t, 0, 6.5f);
        assertElement(t, 16, 0f);
        assertElement(t, 7, -1f);
        assertElement(t, 23, 3.5f);
        assertElement(t, 35, 11f);
        assertElement(t, 51, 1f);
    }

    /** Q5_0: fp16 d, a word of fifth bits (bit j: element j), nibbles as Q4_0; element = (q - 16) * d. */
    @Test
    void q5_0() {
        byte[] b = new byte[22];
        half(b, 0, 0x3800); // d = 0.5
        b[2] = 0x01; // fifth bit of element 0
        b[4] = 0x02; // fifth bit of element 17
        b[6] = 0x2F; // element 0 low nibble 15, element 16 high nibble 2
        b[6 + 5] = 0x70; // element 5: 0, element 21: 7
        Tensor t = tensor(GgmlType.Q5_0, b);
        assertElement(t, 0, 7.5f); // q = 31
        assertElement(t, 16, -7f); // q = 2
        assertElement(t, 1, -8f); // q = 0
        assertElement(t, 17, 0f); // q = 16
        assertElement(t, 21, -4.5f); // q = 7
    }

    /** Q5_1: fp16 d, fp16 m, a word of fifth bits, nibbles; element = q * d + m. */
    @Test
    void q5_1() {
        byte[] b = new byte[2 * 24];
        half(b, 0, 0x4000); // block 0: d = 2
        half(b, 2, 0xBC00); // m = -1
        b[4] = 0x08; // fifth bit of element 3
        b[8 + 3] = 0x51; // element 3 low nibble 1, element 19 high nibble 5
        half(b, 24, 0x3800); // block 1: d = 0.5
        half(b, 26, 0x3C00); // m = 1
        b[28 + 3] = (byte) 0x80; // fifth bit of element 31 of block 1
        b[32 + 15] = (byte) 0xF0; // element 31 of block 1: high nibble 15
        Tensor t = tensor(GgmlType.Q5_1, b);
        assertElement(t, 3, 33f); // q = 17
        assertElement(t, 19, 9f); // q = 5
        assertElement(t, 0, -1f); // q = 0
        assertElement(t, 63, 16.5f); // q = 31
        assertElement(t, 32, 1f);
    }

    @Test
    void q4_K() {
        byte[] b = new byte[144];
        half(b, 0, 0x3C00); // d = 1
        half(b, 2, 0x3800); // dmin = 0.5
        int s = 4; // 12-byte scale table
        b[s] = 2;                 // sub-block 0: scale 2
        b[s + 4] = 4;             //              min 4
        b[s + 1] = (byte) 0x83;   // sub-block 1: scale 3; top bits 2 belong to sub-block 5's scale
        b[s + 5] = 0x41;          //              min 1;   top bits 1 belong to sub-block 5's min
        b[s + 3] = (byte) 0xC0;   // sub-block 3: scale 0; top bits 3 belong to sub-block 7's scale
        b[s + 8] = 0x61;          // sub-block 4: scale 1, min 6
        b[s + 9] = 0x35;          // sub-block 5: scale 5 | 2<<4 = 37, min 3 | 1<<4 = 19
        b[s + 11] = 0x02;         // sub-block 7: scale 2 | 3<<4 = 50, min 0
        int qs = 16;
        b[qs] = 0x7A;             // group 0, byte 0: element 0 (sub-block 0) q=10, element 32 (sub-block 1) q=7
        b[qs + 64 + 3] = (byte) 0x90; // group 2, byte 3: element 131 (sub-block 4) q=0, element 163 (sub-block 5) q=9
        b[qs + 96 + 31] = (byte) 0xE0; // group 3, byte 31: element 255 (sub-block 7) q=14
        Tensor t = tensor(GgmlType.Q4_K, b);
        assertElement(t, 0, 18f);      // 1*2*10 - 0.5*4
        assertElement(t, 1, -2f);      // 1*2*0 - 0.5*4
        assertElement(t, 32, 20.5f);   // 1*3*7 - 0.5*1
        assertElement(t, 131, -3f);    // 1*1*0 - 0.5*6
        assertElement(t, 163, 323.5f); // 1*37*9 - 0.5*19
        assertElement(t, 255, 700f);   // 1*50*14 - 0
        assertElement(t, 223, 0f);
    }

    @Test
    void q5_K() {
        byte[] b = new byte[176];
        half(b, 0, 0x3C00); // d = 1
        half(b, 2, 0x3C00); // dmin = 1
        int s = 4, qh = 16, qs = 48;
        b[s] = 1;          // sub-block 0: scale 1, min 0
        b[s + 2] = 3;      // sub-block 2: scale 3
        b[s + 6] = 2;      //              min 2
        b[s + 3] = 2;      // sub-block 3: scale 2
        b[s + 7] = 1;      //              min 1
        b[s + 11] = 0x21;  // sub-block 7: scale 1, min 2
        b[qs] = 0x03;              // element 0: low nibble 3
        b[qh] = 0x01;              //            fifth bit (bit 0 = sub-block 0) set: q = 19
        b[qs + 32 + 5] = 0x40;     // element 101 (group 1, high nibble, sub-block 3): nibble 4
        b[qh + 5] = 0x0C;          //   bit 3 (sub-block 3) and bit 2 (sub-block 2, element 69) set
        b[qs + 96 + 9] = 0x10;     // element 233 (group 3, high nibble, sub-block 7): nibble 1
        b[qh + 9] = (byte) 0x80;   //   bit 7 set: q = 17
        Tensor t = tensor(GgmlType.Q5_K, b);
        assertElement(t, 0, 19f);   // 1*19 - 0
        assertElement(t, 101, 39f); // 2*20 - 1
        assertElement(t, 69, 46f);  // 3*16 - 2
        assertElement(t, 233, 15f); // 1*17 - 2
        assertElement(t, 32, 0f);
        assertElement(t, 1, 0f);
    }

    @Test
    void q6_K() {
        byte[] b = new byte[210];
        int qh = 128, sc = 192;
        half(b, 208, 0x3800); // d = 0.5, stored last
        b[sc] = 2;
        b[sc + 2] = -3;
        b[sc + 4] = 1;
        b[sc + 6] = 4;
        b[sc + 9] = -1;
        b[0] = (byte) 0xA5;     // ql[0]: element 0 low nibble 5, element 64 high nibble 10
        b[32] = 0x10;           // ql[32]: element 32 low nibble 0, element 96 high nibble 1
        b[qh] = 0x72;           // qh[0] = 01 11 00 10: top bits 2 (el 0), 0 (el 32), 3 (el 64), 1 (el 96)
        b[64 + 17] = 0x0F;      // second half, l = 17: element 145 low nibble 15
        b[qh + 32 + 17] = 0x03; //   top bits 3: q = 63
        Tensor t = tensor(GgmlType.Q6_K, b);
        assertElement(t, 0, 5f);       // 0.5*2*(37-32)
        assertElement(t, 32, 48f);     // 0.5*-3*(0-32)
        assertElement(t, 64, 13f);     // 0.5*1*(58-32)
        assertElement(t, 96, -30f);    // 0.5*4*(17-32)
        assertElement(t, 145, -15.5f); // 0.5*-1*(63-32), scale index 8 + 17/16
        assertElement(t, 1, -32f);     // 0.5*2*(0-32)
    }

    @Test
    void packedScaleTableRoundTrips() {
        for (int j = 0; j < 8; j++) {
            for (int ls = 0; ls < 64; ls += 7) {
                for (int lm = 0; lm < 64; lm += 5) {
                    byte[] table = new byte[12];
                    KQuants.packScaleMin(table, 0, j, ls, lm);
                    int sm = KQuants.scaleMin(MemorySegment.ofArray(table), 0, j);
                    assertEquals(ls, sm & 0xFF, "scale of sub-block " + j);
                    assertEquals(lm, sm >>> 8, "min of sub-block " + j);
                }
            }
        }
    }

    static byte[] expectedBlock(int d, int... qs) {
        byte[] b = new byte[2 + qs.length];
        half(b, 0, d);
        for (int i = 0; i < qs.length; i++) b[2 + i] = (byte) qs[i];
        return b;
    }

    /** quantize_row_q8_0_ref: d = amax/127 and roundf, which rounds halves away from zero. */
    @Test
    void q8_0QuantizesLikeGgml() {
        float[] v = new float[32];
        v[0] = 127f;
        v[1] = -2.5f;
        v[2] = 2.5f;
        v[3] = 0.49f;
        v[4] = -127f;
        v[5] = 100.7f;
        v[6] = -0.5f;
        int[] q = new int[32];
        int[] expected = {127, -3, 3, 0, -127, 101, -1};
        System.arraycopy(expected, 0, q, 0, expected.length);
        assertArrayEquals(expectedBlock(0x3C00, q), Q8_0Tensor.quantize(v));
    }

    /** quantize_row_q4_0_ref: d = (signed value of largest magnitude)/-8, q = min(15, (int)(x/d + 8.5)). */
    @Test
    void q4_0QuantizesLikeGgml() {
        float[] v = new float[64];
        v[0] = -8f;
        v[1] = 7f;
        v[2] = 7.4f;
        v[4] = -0.6f;
        v[16] = 3.2f;
        v[17] = -7.9f;
        v[32] = 8f; // block 1: largest magnitude positive, so d = -1
        v[33] = -7f;
        byte[] out = Q4_0Tensor.quantize(v);
        byte[] block0 = expectedBlock(0x3C00, 0xB0, 0x0F, 0x8F, 0x88, 0x87, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88);
        byte[] block1 = expectedBlock(0xBC00, 0x80, 0x8F, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88);
        assertArrayEquals(block0, Arrays.copyOfRange(out, 0, 18));
        assertArrayEquals(block1, Arrays.copyOfRange(out, 18, 36));
    }

    /** quantize_row_q4_1_ref: d = (max - min)/15, m = min, q = min(15, (int)((x - min)/d + 0.5)). */
    @Test
    void q4_1QuantizesLikeGgml() {
        float[] v = new float[32];
        v[0] = -1f;
        v[1] = 14f;
        v[2] = 3.4f;
        v[16] = 5.5f;
        v[17] = 13.6f;
        byte[] expected = new byte[20];
        half(expected, 0, 0x3C00);
        half(expected, 2, 0xBC00);
        int[] qs = {0x70, 0xFF, 0x14, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11};
        for (int i = 0; i < 16; i++) expected[4 + i] = (byte) qs[i];
        assertArrayEquals(expected, Q4_1Tensor.quantize(v));
    }

    /** quantize_row_q5_0_ref: d = (value of largest magnitude) / -16, q = min(31, (int8_t)(x / d + 16.5)). */
    @Test
    void q5_0QuantizesLikeGgml() {
        float[] v = new float[32];
        v[0] = -2f;
        v[1] = 1f;
        v[16] = 1.9f;
        byte[] expected = new byte[22];
        half(expected, 0, 0x3000); // d = 0.125
        int high = 0xFFFFFFFE; // every q but element 0's (0) is 16 or more
        for (int i = 0; i < 4; i++) expected[2 + i] = (byte) (high >>> (8 * i));
        expected[6] = (byte) 0xF0; // element 0: 0, element 16: 31
        expected[7] = 0x08; // element 1: 24, element 17: 16
        assertArrayEquals(expected, Q5_0Tensor.quantize(v));
    }

    /** quantize_row_q5_1_ref: d = (max - min) / 31, m = min, q = (uint8_t)((x - min) / d + 0.5). */
    @Test
    void q5_1QuantizesLikeGgml() {
        float[] v = new float[32];
        v[0] = -1f;
        v[1] = 30f;
        v[2] = 3.4f;
        v[16] = 14.5f;
        byte[] expected = new byte[24];
        half(expected, 0, 0x3C00);
        half(expected, 2, 0xBC00);
        expected[4] = 0x02; // element 1 (31)
        expected[6] = 0x01; // element 16 (16)
        int[] qs = {0x00, 0x1F, 0x14, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11};
        for (int i = 0; i < 16; i++) expected[8 + i] = (byte) qs[i];
        assertArrayEquals(expected, Q5_1Tensor.quantize(v));
    }
}
