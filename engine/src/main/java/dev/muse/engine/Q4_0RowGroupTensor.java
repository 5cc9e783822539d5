package dev.muse.engine;

import static dev.muse.engine.Simd.F;
import static dev.muse.engine.Simd.L;
import static dev.muse.engine.Simd.LE_INT;
import static dev.muse.engine.Simd.LE_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A Q4_0 weight matrix of rows x cols with its rows interleaved in groups of {@link Simd#L} (16 with AVX-512): one
 * row per vector lane. Same bytes per weight as GGUF's Q4_0, another order, so {@link #data()} is this layout.
 *
 * <p>Why: in GGUF order a row's 32 weights of a block share one scale, so a matrix-vector product decodes each block
 * into two float vectors, scales a partial sum per block and reduces it across lanes per row, all per 32 weights;
 * generation ran at about 9 GB/s per core, half of what memory delivers. With rows in lanes, one activation value
 * is broadcast against L rows at once, the scales of L rows are one vector, and no lane ever crosses another, so a
 * group of L rows x 32 columns costs four loads and about three vector operations per L weights (one core, 2048 x
 * 2048: 13.0 against 8.7 GB/s).
 *
 * <p>Layout: group g (rows [gL, gL+L)), column block b (32 columns) lies at byte (g * blocks + b) * 18L: the L
 * rows' fp16 scales, then four runs of L little-endian ints. Int r of run j holds row r's quants (q in [0, 16),
 * weight = (q - 8) * scale) of columns 8j..8j+7 of the block, column 8j+k in bits [4k, 4k+4).
 *
 * <p>Decoding a nibble needs no int-to-float conversion: the nibble at bits [4k, 4k+4) (k &lt; 5), kept under the
 * float exponent 150 - 4k, reads as the float 2^(23-4k) + q exactly, and one subtraction gives q - 8. The kernels
 * spell that decode out inline, eight times each: through a helper method, however small, C2 stopped inlining
 * within its node budget and boxed every vector (1.2 against 13.0 GB/s).
 */
public final class Q4_0RowGroupTensor implements Tensor {
    private static final int BLOCK = 32;
    private static final int RUNS = 4;
    private static final long GROUP_BLOCK_BYTES = 18L * L;
    /** Per nibble position k in [0, 5): its mask, the float exponent 150 - 4k, and 2^(23-4k) + 8 (see the class comment). */
    private static final IntVector MASK0 = IntVector.broadcast(Simd.I, 0xF << 0), EXPONENT0 = IntVector.broadcast(Simd.I, 150 << 23);
    private static final float OFFSET0 = (1 << 23) + 8f;
    private static final IntVector MASK1 = IntVector.broadcast(Simd.I, 0xF << 4), EXPONENT1 = IntVector.broadcast(Simd.I, 146 << 23);
    private static final float OFFSET1 = (1 << 19) + 8f;
    private static final IntVector MASK2 = IntVector.broadcast(Simd.I, 0xF << 8), EXPONENT2 = IntVector.broadcast(Simd.I, 142 << 23);
    private static final float OFFSET2 = (1 << 15) + 8f;
    private static final IntVector MASK3 = IntVector.broadcast(Simd.I, 0xF << 12), EXPONENT3 = IntVector.broadcast(Simd.I, 138 << 23);
    private static final float OFFSET3 = (1 << 11) + 8f;
    private static final IntVector MASK4 = IntVector.broadcast(Simd.I, 0xF << 16), EXPONENT4 = IntVector.broadcast(Simd.I, 134 << 23);
    private static final float OFFSET4 = (1 << 7) + 8f;

    private final MemorySegment data;
    private final int rows, cols, blocks;

    private Q4_0RowGroupTensor(MemorySegment data, int rows, int cols) {
        this.data = data;
        this.rows = rows;
        this.cols = cols;
        this.blocks = cols / BLOCK;
    }

    /** Whether a matrix of the given rows can take this layout: Q4_0, whole groups of rows, finite scales. */
    static boolean fits(Tensor w, int rows) {
        if (!(w instanceof Q4_0Tensor) || rows % L != 0) return false;
        for (long at = 0; at < w.data().byteSize(); at += 18)
            if ((w.data().get(LE_SHORT, at) & 0x7C00) == 0x7C00) return false;
        return true;
    }

    /** The Q4_0 matrix w (GGUF order) copied into this layout in new native memory, reporting copied ranges of w. */
    static Q4_0RowGroupTensor copyOf(Tensor w, int rows, int cols, MatrixLayout.Copied copied) {
        check(w, rows, cols);
        MemorySegment target = Arena.ofAuto().allocate(w.data().byteSize(), 64);
        regroup(w.data(), target, rows, cols, copied);
        return new Q4_0RowGroupTensor(target, rows, cols);
    }

    /** The Q4_0 matrix w regrouped where it lies: w's memory must be writable and is this tensor's from now on. */
    static Q4_0RowGroupTensor inPlace(Tensor w, int rows, int cols) {
        check(w, rows, cols);
        regroup(w.data(), w.data(), rows, cols, (offset, length) -> {});
        return new Q4_0RowGroupTensor(w.data(), rows, cols);
    }

    /** The shape checks of {@link #fits}; the callers asked fits first, so the scales are not scanned again. */
    private static void check(Tensor w, int rows, int cols) {
        if (!(w instanceof Q4_0Tensor) || rows % L != 0 || (long) rows * cols != w.size() || cols % BLOCK != 0)
            throw new IllegalArgumentException("cannot regroup a " + w.type() + " tensor of " + w.size() + " elements as " + rows + " x " + cols);
    }

    /**
     * GGUF-ordered rows from source into groups in target, one group at a time (so source may be target), telling
     * copied about each megabyte or so of source done.
     */
    private static void regroup(MemorySegment source, MemorySegment target, int rows, int cols, MatrixLayout.Copied copied) {
        int blocks = cols / BLOCK;
        long groupBytes = blocks * GROUP_BLOCK_BYTES, rowBytes = blocks * 18L, reported = 0;
        byte[] group = new byte[Math.toIntExact(groupBytes)];
        MemorySegment rowsOfGroup = MemorySegment.ofArray(group);
        for (int g = 0; g < rows / L; g++) {
            long done = g * groupBytes;
            if (done - reported >= 1 << 20) {
                copied.bytes(reported, done - reported);
                reported = done;
            }
            MemorySegment.copy(source, g * groupBytes, rowsOfGroup, 0, groupBytes);
            long at = g * groupBytes;
            for (int b = 0; b < blocks; b++, at += GROUP_BLOCK_BYTES)
                for (int r = 0; r < L; r++) {
                    long block = r * rowBytes + b * 18L;
                    target.set(LE_SHORT, at + 2L * r, rowsOfGroup.get(LE_SHORT, block));
                    for (int j = 0; j < RUNS; j++) {
                        int lane = 0;
                        for (int k = 0; k < 8; k++) {
                            int column = 8 * j + k, packed = group[(int) block + 2 + (column & 15)] & 0xFF;
                            lane |= (column < 16 ? packed & 0xF : packed >>> 4) << (4 * k);
                        }
                        target.set(LE_INT, at + 2L * L + 4L * (L * j + r), lane);
                    }
                }
        }
        copied.bytes(reported, source.byteSize() - reported);
    }

    int groups() { return rows / L; }

    @Override public GgmlType type() { return GgmlType.Q4_0; }

    @Override public long size() { return (long) rows * cols; }

    @Override public MemorySegment data() { return data; }

    /** Byte offset of the group block holding element (row, col). */
    private long groupBlock(int row, int col) {
        return ((long) (row / L) * blocks + col / BLOCK) * GROUP_BLOCK_BYTES;
    }

    private int quant(long groupBlock, int lane, int columnInBlock) {
        int packed = data.get(LE_INT, groupBlock + 2L * L + 4L * (L * (columnInBlock / 8) + lane));
        return packed >>> 4 * (columnInBlock % 8) & 0xF;
    }

    @Override public float get(long index) {
        int row = (int) (index / cols), col = (int) (index % cols);
        long at = groupBlock(row, col);
        return (quant(at, row % L, col % BLOCK) - 8) * Simd.f16(data, at + 2L * (row % L));
    }

    /** Scalar: generation and prompts use the group kernels below; this serves embedding lookups and odd reads. */
    @Override public void dequantize(long offset, float[] out, int outOffset, int n) {
        for (int i = 0; i < n; i += BLOCK) {
            long index = offset + i;
            int row = (int) (index / cols), col = (int) (index % cols), lane = row % L;
            long at = groupBlock(row, col);
            float d = Simd.f16(data, at + 2L * lane);
            for (int c = 0; c < BLOCK; c++) out[outOffset + i + c] = (quant(at, lane, c) - 8) * d;
        }
    }

    /** One row's dot, block by block (scalar: matrix products go through {@link #matvec} and {@link #decodeGroup}). */
    @Override public float dot(long offset, float[] x, int xOffset, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i += BLOCK) {
            long index = offset + i;
            int row = (int) (index / cols), col = (int) (index % cols), lane = row % L;
            long at = groupBlock(row, col);
            float block = 0f;
            for (int c = 0; c < BLOCK; c++) block += (quant(at, lane, c) - 8) * x[xOffset + i + c];
            sum += block * Simd.f16(data, at + 2L * lane);
        }
        return sum;
    }

    /**
     * out[outOffset + r] = row r . x[xOffset ..] for the rows of groups [from, to); added to what out holds when
     * accumulate is set. Four accumulators per block keep the multiply-adds independent.
     */
    void matvec(float[] x, int xOffset, float[] out, int outOffset, int from, int to, boolean accumulate) {
        for (int g = from; g < to; g++) {
            long at = (long) g * blocks * GROUP_BLOCK_BYTES;
            FloatVector total = FloatVector.zero(F);
            for (int b = 0, c = xOffset; b < blocks; b++, c += BLOCK) {
                FloatVector d = scales(data, at);
                at += 2L * L;
                FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
                for (int j = 0; j < RUNS; j++, at += 4L * L) {
                    IntVector v = IntVector.fromMemorySegment(Simd.I, data, at, Simd.LE), u = v.lanewise(VectorOperators.LSHR, 20);
                    int cj = c + 8 * j;
                    a0 = v.and(MASK0).or(EXPONENT0).reinterpretAsFloats().sub(OFFSET0).fma(FloatVector.broadcast(F, x[cj]), a0);
                    a1 = v.and(MASK1).or(EXPONENT1).reinterpretAsFloats().sub(OFFSET1).fma(FloatVector.broadcast(F, x[cj + 1]), a1);
                    a2 = v.and(MASK2).or(EXPONENT2).reinterpretAsFloats().sub(OFFSET2).fma(FloatVector.broadcast(F, x[cj + 2]), a2);
                    a3 = v.and(MASK3).or(EXPONENT3).reinterpretAsFloats().sub(OFFSET3).fma(FloatVector.broadcast(F, x[cj + 3]), a3);
                    a0 = v.and(MASK4).or(EXPONENT4).reinterpretAsFloats().sub(OFFSET4).fma(FloatVector.broadcast(F, x[cj + 4]), a0);
                    a1 = u.and(MASK0).or(EXPONENT0).reinterpretAsFloats().sub(OFFSET0).fma(FloatVector.broadcast(F, x[cj + 5]), a1);
                    a2 = u.and(MASK1).or(EXPONENT1).reinterpretAsFloats().sub(OFFSET1).fma(FloatVector.broadcast(F, x[cj + 6]), a2);
                    a3 = u.and(MASK2).or(EXPONENT2).reinterpretAsFloats().sub(OFFSET2).fma(FloatVector.broadcast(F, x[cj + 7]), a3);
                }
                total = a0.add(a1).add(a2.add(a3)).fma(d, total);
            }
            int o = outOffset + g * L;
            if (accumulate) total = total.add(FloatVector.fromArray(F, out, o));
            total.intoArray(out, o);
        }
    }

    /**
     * {@link #matvec} for four activation rows at once (x[xOffset + i * xStride ..], i in [0, 4)), writing
     * out[outOffset + i * outStride + r]: each nibble is decoded once for the four. Batched generation steps of a
     * few sequences take this path.
     */
    void matvec4(float[] x, int xOffset, int xStride, float[] out, int outOffset, int outStride, int from, int to) {
        for (int g = from; g < to; g++) {
            long at = (long) g * blocks * GROUP_BLOCK_BYTES;
            FloatVector t0 = FloatVector.zero(F), t1 = t0, t2 = t0, t3 = t0;
            for (int b = 0; b < blocks; b++) {
                FloatVector d = scales(data, at);
                at += 2L * L;
                FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, w;
                for (int j = 0; j < RUNS; j++, at += 4L * L) {
                    IntVector v = IntVector.fromMemorySegment(Simd.I, data, at, Simd.LE), u = v.lanewise(VectorOperators.LSHR, 20);
                    int x0 = xOffset + b * BLOCK + 8 * j, x1 = x0 + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
                    w = v.and(MASK0).or(EXPONENT0).reinterpretAsFloats().sub(OFFSET0);
                    a0 = w.fma(FloatVector.broadcast(F, x[x0 + 0]), a0);
                    a1 = w.fma(FloatVector.broadcast(F, x[x1 + 0]), a1);
                    a2 = w.fma(FloatVector.broadcast(F, x[x2 + 0]), a2);
                    a3 = w.fma(FloatVector.broadcast(F, x[x3 + 0]), a3);
                    w = v.and(MASK1).or(EXPONENT1).reinterpretAsFloats().sub(OFFSET1);
                    a0 = w.fma(FloatVector.broadcast(F, x[x0 + 1]), a0);
                    a1 = w.fma(FloatVector.broadcast(F, x[x1 + 1]), a1);
                    a2 = w.fma(FloatVector.broadcast(F, x[x2 + 1]), a2);
                    a3 = w.fma(FloatVector.broadcast(F, x[x3 + 1]), a3);
                    w = v.and(MASK2).or(EXPONENT2).reinterpretAsFloats().sub(OFFSET2);
                    a0 = w.fma(FloatVector.broadcast(F, x[x0 + 2]), a0);
                    a1 = w.fma(FloatVector.broadcast(F, x[x1 + 2]), a1);
                    a2 = w.fma(FloatVector.broadcast(F, x[x2 + 2]), a2);
                    a3 = w.fma(FloatVector.broadcast(F, x[x3 + 2]), a3);
                    w = v.and(MASK3).or(EXPONENT3).reinterpretAsFloats().sub(OFFSET3);
                    a0 = w.fma(FloatVector.broadcast(F, x[x0 + 3]), a0);
                    a1 = w.fma(FloatVector.broadcast(F, x[x1 + 3]), a1);
                    a2 = w.fma(FloatVector.broadcast(F, x[x2 + 3]), a2);
                    a3 = w.fma(FloatVector.broadcast(F, x[x3 + 3]), a3);
                    w = v.and(MASK4).or(EXPONENT4).reinterpretAsFloats().sub(OFFSET4);
                    a0 = w.fma(FloatVector.broadcast(F, x[x0 + 4]), a0);
                    a1 = w.fma(FloatVector.broadcast(F, x[x1 + 4]), a1);
                    a2 = w.fma(FloatVector.broadcast(F, x[x2 + 4]), a2);
                    a3 = w.fma(FloatVector.broadcast(F, x[x3 + 4]), a3);
                    w = u.and(MASK0).or(EXPONENT0).reinterpretAsFloats().sub(OFFSET0);
                    a0 = w.fma(FloatVector.broadcast(F, x[x0 + 5]), a0);
                    a1 = w.fma(FloatVector.broadcast(F, x[x1 + 5]), a1);
                    a2 = w.fma(FloatVector.broadcast(F, x[x2 + 5]), a2);
                    a3 = w.fma(FloatVector.broadcast(F, x[x3 + 5]), a3);
                    w = u.and(MASK1).or(EXPONENT1).reinterpretAsFloats().sub(OFFSET1);
                    a0 = w.fma(FloatVector.broadcast(F, x[x0 + 6]), a0);
                    a1 = w.fma(FloatVector.broadcast(F, x[x1 + 6]), a1);
                    a2 = w.fma(FloatVector.broadcast(F, x[x2 + 6]), a2);
                    a3 = w.fma(FloatVector.broadcast(F, x[x3 + 6]), a3);
                    w = u.and(MASK2).or(EXPONENT2).reinterpretAsFloats().sub(OFFSET2);
                    a0 = w.fma(FloatVector.broadcast(F, x[x0 + 7]), a0);
                    a1 = w.fma(FloatVector.broadcast(F, x[x1 + 7]), a1);
                    a2 = w.fma(FloatVector.broadcast(F, x[x2 + 7]), a2);
                    a3 = w.fma(FloatVector.broadcast(F, x[x3 + 7]), a3);
                }
                t0 = a0.fma(d, t0);
                t1 = a1.fma(d, t1);
                t2 = a2.fma(d, t2);
                t3 = a3.fma(d, t3);
            }
            int o = outOffset + g * L;
            t0.intoArray(out, o);
            t1.intoArray(out, o + outStride);
            t2.intoArray(out, o + 2 * outStride);
            t3.intoArray(out, o + 3 * outStride);
        }
    }

    /**
     * The L fp16 scales at byte at, as floats: exponent and mantissa moved into float position, rebased by a
     * multiplication by 2^112 (exact for normal and subnormal halves), sign put back. Short enough that C2 inlines
     * it into the kernels; the general {@link Simd#halfToFloat} pushed them past C2's node budget and every vector
     * got boxed. Infinite and NaN scales are not handled here: such matrices keep the GGUF layout ({@link #fits}).
     */
    private static FloatVector scales(MemorySegment data, long at) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(Simd.S, data, at, Simd.LE).convertShape(VectorOperators.ZERO_EXTEND_S2I, Simd.I, 0);
        FloatVector magnitude = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f);
        return magnitude.reinterpretAsInts().or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    /**
     * Group g's weights as floats, column-major: tile[offset + c * stride + r] = weight (gL + r, c). Prompts and
     * batched steps decode groups once side by side and multiply them by all their activation rows
     * ({@link Kernels#matmulNN}).
     */
    void decodeGroup(int g, float[] tile, int offset, int stride) {
        long at = (long) g * blocks * GROUP_BLOCK_BYTES;
        for (int b = 0, t = offset; b < blocks; b++) {
            FloatVector d = scales(data, at);
            at += 2L * L;
            for (int j = 0; j < RUNS; j++, at += 4L * L, t += 8 * stride) {
                IntVector v = IntVector.fromMemorySegment(Simd.I, data, at, Simd.LE), u = v.lanewise(VectorOperators.LSHR, 20);
                v.and(MASK0).or(EXPONENT0).reinterpretAsFloats().sub(OFFSET0).mul(d).intoArray(tile, t);
                v.and(MASK1).or(EXPONENT1).reinterpretAsFloats().sub(OFFSET1).mul(d).intoArray(tile, t + stride);
                v.and(MASK2).or(EXPONENT2).reinterpretAsFloats().sub(OFFSET2).mul(d).intoArray(tile, t + 2 * stride);
                v.and(MASK3).or(EXPONENT3).reinterpretAsFloats().sub(OFFSET3).mul(d).intoArray(tile, t + 3 * stride);
                v.and(MASK4).or(EXPONENT4).reinterpretAsFloats().sub(OFFSET4).mul(d).intoArray(tile, t + 4 * stride);
                u.and(MASK0).or(EXPONENT0).reinterpretAsFloats().sub(OFFSET0).mul(d).intoArray(tile, t + 5 * stride);
                u.and(MASK1).or(EXPONENT1).reinterpretAsFloats().sub(OFFSET1).mul(d).intoArray(tile, t + 6 * stride);
                u.and(MASK2).or(EXPONENT2).reinterpretAsFloats().sub(OFFSET2).mul(d).intoArray(tile, t + 7 * stride);
            }
        }
    }
}
