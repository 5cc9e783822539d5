package dev.muse.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Shared vector shapes and little helpers for the tensor kernels.
 *
 * <p>All kernels work in chunks of {@code L = F.length()} floats (16 with AVX-512, 8 with AVX2, 4 with NEON).
 * Quantised bytes are loaded with {@link #B}, the smallest byte species holding a chunk: it has L lanes except on
 * 128-bit machines, where no 4-byte species exists and a masked 8-byte vector carries the chunk in its first half
 * ({@link #MASKED_CHUNKS}; correct, but untuned: it has only run on x86 with vectors narrowed to 128 bits).
 * Conversions always take part 0, as a literal: C2 only intrinsifies {@code convertShape} for a constant part.
 *
 * <p>Helpers here stay small on purpose: C2 inlines them into the kernels, and a vector that crosses a call C2
 * did not inline is boxed on the heap.
 */
final class Simd {
    private Simd() {}

    /** Float species for all kernels: the preferred one, capped at 512 bits (blocks hold 32 elements). */
    static final VectorSpecies<Float> F = floatSpecies();
    static final int L = F.length();
    /** Same-shape int species, for bit manipulation before int-to-float conversion. */
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED.withShape(F.vectorShape());
    /** Byte species for quantised data: L lanes, or 8 lanes when L is 4 (there is no 32-bit species). */
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_64.withShape(VectorShape.forBitSize(Math.max(64, L * 8)));
    static final boolean MASKED_CHUNKS = B.length() == 2 * L;
    /** Short species with L lanes, for f16/bf16 data. */
    static final VectorSpecies<Short> S = ShortVector.SPECIES_64.withShape(VectorShape.forBitSize(L * 16));

    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);

    private static VectorSpecies<Float> floatSpecies() {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        if (preferred.vectorBitSize() > 512) return FloatVector.SPECIES_512;
        if (preferred.vectorBitSize() < 128) return FloatVector.SPECIES_128;
        return preferred;
    }

    /** The first L lanes of B: on 128-bit machines a chunk is only half of the smallest byte vector. */
    private static final VectorMask<Byte> CHUNK_LANES = VectorMask.fromLong(B, (1L << L) - 1);

    /** L bytes at byteOffset in lanes [0, L) of a B vector (a masked load on 128-bit machines, to stay in bounds). */
    static ByteVector loadBytes(MemorySegment data, long byteOffset) {
        return MASKED_CHUNKS ? ByteVector.fromMemorySegment(B, data, byteOffset, LE, CHUNK_LANES)
                         : ByteVector.fromMemorySegment(B, data, byteOffset, LE);
    }

    /** Byte species as wide as F, and as wide as S: the typed loads below go through them. */
    private static final VectorSpecies<Byte> F_BYTES = ByteVector.SPECIES_64.withShape(F.vectorShape());
    private static final VectorSpecies<Byte> S_BYTES = ByteVector.SPECIES_64.withShape(S.vectorShape());

    /**
     * L little-endian floats at byteOffset. Loaded as bytes and reinterpreted (the Vector API defines
     * reinterpretation as little-endian on every platform) because C2 does not intrinsify float loads from a
     * heap segment over a byte[] (what Tensor.fromFloats makes): those would fall back to a slow boxed path.
     */
    static FloatVector loadFloats(MemorySegment data, long byteOffset) {
        return ByteVector.fromMemorySegment(F_BYTES, data, byteOffset, LE).reinterpretAsFloats();
    }

    /** L little-endian 16-bit values at byteOffset, widened to ints by sign extension (see {@link #loadFloats}). */
    static IntVector loadShortsAsInts(MemorySegment data, long byteOffset) {
        ShortVector halves = ByteVector.fromMemorySegment(S_BYTES, data, byteOffset, LE).reinterpretAsShorts();
        return (IntVector) halves.convertShape(VectorOperators.S2I, I, 0);
    }

    /** Lanes [0, L) of q, zero-extended to ints. */
    static IntVector unsignedInts(ByteVector q) {
        return (IntVector) q.convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    /** Lanes [0, L) of q as signed values converted to floats. */
    static FloatVector signedFloats(ByteVector q) {
        return (FloatVector) q.convertShape(VectorOperators.B2F, F, 0);
    }

    static FloatVector toFloats(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    /** The IEEE half-precision value stored little-endian at byteOffset. */
    static float f16(MemorySegment data, long byteOffset) {
        return Float.float16ToFloat(data.get(LE_SHORT, byteOffset));
    }

    /** An unsigned byte. */
    static int u8(MemorySegment data, long byteOffset) {
        return data.get(ValueLayout.JAVA_BYTE, byteOffset) & 0xFF;
    }

    /**
     * IEEE half bits (low 16 bits of each int lane; upper bits may hold a sign extension) to floats. Exponent
     * and mantissa are shifted into float position and rebased (bias 15 to 127). Subnormal halves become
     * 2^-14 * (1 + m/1024) minus 2^-14, so no float arithmetic ever sees a subnormal operand (which costs
     * microcode assists on some CPUs); infinities and NaNs are rebased once more to the all-ones exponent.
     */
    static FloatVector halfToFloat(IntVector half) {
        IntVector magnitude = half.and(0x7FFF);
        IntVector bits = magnitude.lanewise(VectorOperators.LSHL, 13).add(0x38000000);
        IntVector subnormal = bits.add(0x00800000).reinterpretAsFloats().sub(0x1p-14f).reinterpretAsInts();
        bits = bits.blend(subnormal, magnitude.compare(VectorOperators.LT, 0x0400));
        bits = bits.blend(bits.add(0x38000000), magnitude.compare(VectorOperators.GE, 0x7C00));
        IntVector sign = half.lanewise(VectorOperators.LSHL, 16).and(0x80000000);
        return bits.or(sign).reinterpretAsFloats();
    }

    /**
     * e^x per lane, within 2 ulp of Math.exp for normal results (subnormal ones within 2^-149 absolute): x = n ln 2 +
     * r with |r| <= ln 2 / 2 (Cody-Waite, ln 2 in two parts), e^r by its Taylor polynomial to degree 7 (truncation
     * below 6e-9), times 2^n applied in two halves so that results down to the subnormals and up to infinity come
     * out as Math.exp's do. NaN stays NaN. Written out here because VectorOperators.EXP calls a native routine for
     * every vector (about 70 ns each on AVX-512, where this takes a few).
     */
    static FloatVector exp(FloatVector x) {
        x = x.max(-104f).min(89f); // beyond these e^x is 0 and infinity; max and min keep NaN
        FloatVector n = x.mul(LOG2_E).add(ROUNDER).sub(ROUNDER); // nearest integer
        FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_LOW), n.fma(FloatVector.broadcast(F, -LN2_HIGH), x));
        FloatVector p = r.fma(1f / 5040, 1f / 720);
        p = p.fma(r, FloatVector.broadcast(F, 1f / 120));
        p = p.fma(r, FloatVector.broadcast(F, 1f / 24));
        p = p.fma(r, FloatVector.broadcast(F, 1f / 6));
        p = p.fma(r, FloatVector.broadcast(F, 0.5f));
        p = p.fma(r, FloatVector.broadcast(F, 1f));
        p = p.fma(r, FloatVector.broadcast(F, 1f));
        IntVector k = (IntVector) n.convert(VectorOperators.F2I, 0), half = k.lanewise(VectorOperators.ASHR, 1);
        FloatVector first = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector second = k.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(first).mul(second);
    }

    private static final float LOG2_E = 1.44269504f, ROUNDER = 0x1.8p23f;
    /** ln 2 split: the high part has few enough bits that n times it is exact for |n| <= 150. */
    private static final float LN2_HIGH = 0.693359375f, LN2_LOW = -2.12194440e-4f;

    /** Round half away from zero, like C's roundf (ggml's Q8_0 reference quantiser uses it). */
    static int roundAway(float v) {
        return (int) (v < 0 ? -Math.floor(-(double) v + 0.5) : Math.floor((double) v + 0.5));
    }

    /** Round half to even, like ggml's nearest_int (its K-quant quantisers use it). */
    static int nearestInt(float v) {
        return (int) Math.rint(v);
    }
}
