package dev.muse.engine;

import static dev.muse.engine.Simd.F;
import static dev.muse.engine.Simd.L;
import static dev.muse.engine.Simd.f16;
import static dev.muse.engine.Simd.u8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q4_0: blocks of 32 elements, each {@code fp16 d} then 16 bytes of nibbles. Byte j holds element j in its
 * low nibble and element j+16 in its high nibble; element = (q - 8) * d.
 */
public record Q4_0Tensor(MemorySegment data, long size) implements Tensor {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 2 + 16;

    @Override public GgmlType type() { return GgmlType.Q4_0; }

    @Override public float get(long index) {
        long block = index / BLOCK * BLOCK_BYTES;
        int j = (int) (index % BLOCK);
        int packed = u8(data, block + 2 + (j & 15));
        int q = j < 16 ? packed & 0xF : packed >>> 4;
        return (q - 8) * f16(data, block);
    }

    /** Vectorised: prompt processing dequantises weight rows once per activation tile (MatmulKernels.matmulBatch). */
    @Override public void dequantize(long offset, float[] out, int outOffset, int n) {
        long block = offset / BLOCK * BLOCK_BYTES;
        for (int i = 0; i < n; i += BLOCK, block += BLOCK_BYTES) {
            float d = f16(data, block);
            for (int c = 0; c < 16; c += L) {
                IntVector packed = Simd.unsignedInts(Simd.loadBytes(data, block + 2 + c));
                Simd.toFloats(packed.and(0xF).sub(8)).mul(d).intoArray(out, outOffset + i + c);
                Simd.toFloats(packed.lanewise(VectorOperators.LSHR, 4).sub(8)).mul(d).intoArray(out, outOffset + i + c + 16);
            }
        }
    }

    /**
     * Each chunk of L packed bytes yields L low-nibble and L high-nibble values, widened to ints once; the
     * block's q*x partial sum is scaled by d once.
     */
    @Override public float dot(long offset, float[] x, int xOffset, int n) {
        FloatVector acc = FloatVector.zero(F);
        long block = offset / BLOCK * BLOCK_BYTES;
        for (int i = 0; i < n; i += BLOCK, block += BLOCK_BYTES) {
            FloatVector sum = FloatVector.zero(F);
            for (int c = 0; c < 16; c += L) {
                IntVector packed = Simd.unsignedInts(Simd.loadBytes(data, block + 2 + c));
                FloatVector lo = Simd.toFloats(packed.and(0xF).sub(8));
                FloatVector hi = Simd.toFloats(packed.lanewise(VectorOperators.LSHR, 4).sub(8));
                int xi = xOffset + i + c;
                sum = lo.fma(FloatVector.fromArray(F, x, xi), sum);
                sum = hi.fma(FloatVector.fromArray(F, x, xi + 16), sum);
            }
            acc = sum.fma(FloatVector.broadcast(F, f16(data, block)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** Four activation rows at a time share each decoded (already scaled) weight chunk. */
    @Override public void dotBatch(long offset, float[] x, int n, int batch, float[] out, int outOffset, int outStride) {
        int b = 0;
        for (; b + 4 <= batch; b += 4) {
            int x0 = b * n, o = outOffset + b * outStride;
            FloatVector acc0 = FloatVector.zero(F), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            long block = offset / BLOCK * BLOCK_BYTES;
            for (int i = 0; i < n; i += BLOCK, block += BLOCK_BYTES) {
                FloatVector d = FloatVector.broadcast(F, f16(data, block));
                for (int c = 0; c < 16; c += L) {
                    IntVector packed = Simd.unsignedInts(Simd.loadBytes(data, block + 2 + c));
                    FloatVector lo = Simd.toFloats(packed.and(0xF).sub(8)).mul(d);
                    FloatVector hi = Simd.toFloats(packed.lanewise(VectorOperators.LSHR, 4).sub(8)).mul(d);
                    int xi = x0 + i + c;
                    acc0 = hi.fma(FloatVector.fromArray(F, x, xi + 16), lo.fma(FloatVector.fromArray(F, x, xi), acc0));
                    acc1 = hi.fma(FloatVector.fromArray(F, x, xi + n + 16), lo.fma(FloatVector.fromArray(F, x, xi + n), acc1));
                    acc2 = hi.fma(FloatVector.fromArray(F, x, xi + 2 * n + 16), lo.fma(FloatVector.fromArray(F, x, xi + 2 * n), acc2));
                    acc3 = hi.fma(FloatVector.fromArray(F, x, xi + 3 * n + 16), lo.fma(FloatVector.fromArray(F, x, xi + 3 * n), acc3));
                }
            }
            out[o] = acc0.reduceLanes(VectorOperators.ADD);
            out[o + outStride] = acc1.reduceLanes(VectorOperators.ADD);
            out[o + 2 * outStride] = acc2.reduceLanes(VectorOperators.ADD);
            out[o + 3 * outStride] = acc3.reduceLanes(VectorOperators.ADD);
        }
        for (; b < batch; b++) out[outOffset + b * outStride] = dot(offset, x, b * n, n);
    }

    /** Two weight rows against four activation rows per pass, so each activation chunk feeds both rows. */
    @Override public void dotBatchRows(long offset, int rows, float[] x, int n, int batch, float[] out, int outOffset, int outStride) {
        Tensor.dotBatchRowsInPairs(this, this::dot2x4, offset, rows, x, n, batch, out, outOffset, outStride);
    }

    private void dot2x4(long offset, float[] x, int x0, int n, float[] out, int o, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0;
        long first = offset / BLOCK * BLOCK_BYTES, second = (offset + n) / BLOCK * BLOCK_BYTES;
        for (int i = 0; i < n; i += BLOCK, first += BLOCK_BYTES, second += BLOCK_BYTES) {
            FloatVector d = FloatVector.broadcast(F, f16(data, first)), e = FloatVector.broadcast(F, f16(data, second));
            for (int c = 0; c < 16; c += L) {
                IntVector p = Simd.unsignedInts(Simd.loadBytes(data, first + 2 + c));
                IntVector q = Simd.unsignedInts(Simd.loadBytes(data, second + 2 + c));
                FloatVector wLo = Simd.toFloats(p.and(0xF).sub(8)).mul(d), wHi = Simd.toFloats(p.lanewise(VectorOperators.LSHR, 4).sub(8)).mul(d);
                FloatVector vLo = Simd.toFloats(q.and(0xF).sub(8)).mul(e), vHi = Simd.toFloats(q.lanewise(VectorOperators.LSHR, 4).sub(8)).mul(e);
                int xi = x0 + i + c;
                FloatVector lo = FloatVector.fromArray(F, x, xi), hi = FloatVector.fromArray(F, x, xi + 16);
                a0 = wHi.fma(hi, wLo.fma(lo, a0));
                c0 = vHi.fma(hi, vLo.fma(lo, c0));
                lo = FloatVector.fromArray(F, x, xi + n);
                hi = FloatVector.fromArray(F, x, xi + n + 16);
                a1 = wHi.fma(hi, wLo.fma(lo, a1));
                c1 = vHi.fma(hi, vLo.fma(lo, c1));
                lo = FloatVector.fromArray(F, x, xi + 2 * n);
                hi = FloatVector.fromArray(F, x, xi + 2 * n + 16);
                a2 = wHi.fma(hi, wLo.fma(lo, a2));
                c2 = vHi.fma(hi, vLo.fma(lo, c2));
                lo = FloatVector.fromArray(F, x, xi + 3 * n);
                hi = FloatVector.fromArray(F, x, xi + 3 * n + 16);
                a3 = wHi.fma(hi, wLo.fma(lo, a3));
                c3 = vHi.fma(hi, vLo.fma(lo, c3));
            }
        }
        out[o] = a0.reduceLanes(VectorOperators.ADD);
        out[o + outStride] = a1.reduceLanes(VectorOperators.ADD);
        out[o + 2 * outStride] = a2.reduceLanes(VectorOperators.ADD);
        out[o + 3 * outStride] = a3.reduceLanes(VectorOperators.ADD);
        out[o + 1] = c0.reduceLanes(VectorOperators.ADD);
        out[o + 1 + outStride] = c1.reduceLanes(VectorOperators.ADD);
        out[o + 1 + 2 * outStride] = c2.reduceLanes(VectorOperators.ADD);
        out[o + 1 + 3 * outStride] = c3.reduceLanes(VectorOperators.ADD);
    }

    /** ggml's quantize_row_q4_0_ref: d = (signed value of largest magnitude) / -8, q = min(15, (int)(x/d + 8.5)). */
    public static byte[] quantize(float[] values) {
        byte[] out = new byte[Math.toIntExact(GgmlType.Q4_0.byteSize(values.length))];
        MemorySegment seg = MemorySegment.ofArray(out);
        for (int b = 0; b < values.length / BLOCK; b++) {
            int base = b * BLOCK, at = b * BLOCK_BYTES;
            float amax = 0f, max = 0f;
            for (int j = 0; j < BLOCK; j++) {
                float v = values[base + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8;
            float id = d != 0f ? 1f / d : 0f;
            seg.set(Simd.LE_SHORT, at, Float.floatToFloat16(d));
            for (int j = 0; j < 16; j++) {
                int q0 = Math.min(15, (int) (values[base + j] * id + 8.5f));
                int q1 = Math.min(15, (int) (values[base + j + 16] * id + 8.5f));
                out[at + 2 + j] = (byte) (q0 | q1 << 4);
            }
        }
        return out;
    }
}
