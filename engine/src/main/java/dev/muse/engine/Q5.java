package dev.muse.engine;

import static dev.muse.engine.Simd.I;
import static dev.muse.engine.Simd.u8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The 5-bit quants Q5_0 and Q5_1 share: a little-endian 32-bit word whose bit j is element j's fifth bit, then 16
 * bytes of nibbles (byte j: element j in the low half, element j + 16 in the high half).
 */
final class Q5 {
    /** Lane indices 0, 1, 2, ...: element j's fifth bit is bit j of the word. */
    private static final int[] LANES = java.util.stream.IntStream.range(0, 64).toArray();

    private Q5() {}

    /** Element j (0..31) of the block whose fifth-bit word is at {@code at}: 0..31. */
    static int quant(MemorySegment data, long at, int j) {
        int high = data.get(Simd.LE_INT, at);
        int packed = u8(data, at + 4 + (j & 15));
        int low = j < 16 ? packed & 0xF : packed >>> 4;
        return low | ((high >>> j) & 1) << 4;
    }

    /** Elements c.. and c + 16.. (one vector each) of the block whose nibbles are at {@code nibbles}. */
    static IntVector[] quants(MemorySegment data, long nibbles, int high, int c) {
        IntVector packed = Simd.unsignedInts(Simd.loadBytes(data, nibbles + c));
        IntVector lanes = IntVector.fromArray(I, LANES, c);
        IntVector word = IntVector.broadcast(I, high);
        IntVector lo = packed.and(0xF).or(word.lanewise(VectorOperators.LSHR, lanes).and(1).lanewise(VectorOperators.LSHL, 4));
        IntVector hi = packed.lanewise(VectorOperators.LSHR, 4)
                .or(word.lanewise(VectorOperators.LSHR, lanes.add(16)).and(1).lanewise(VectorOperators.LSHL, 4));
        return new IntVector[] {lo, hi};
    }

    /** Writes 32 quants (0..31) as the fifth-bit word at {@code at} and the nibbles after it. */
    static void pack(MemorySegment out, long at, int[] q) {
        int high = 0;
        for (int j = 0; j < 32; j++) high |= ((q[j] & 0x10) >>> 4) << j;
        out.set(Simd.LE_INT, at, high);
        for (int j = 0; j < 16; j++) out.set(java.lang.foreign.ValueLayout.JAVA_BYTE, at + 4 + j, (byte) ((q[j] & 0xF) | (q[j + 16] & 0xF) << 4));
    }
}
