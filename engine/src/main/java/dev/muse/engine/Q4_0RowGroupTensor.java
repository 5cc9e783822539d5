package dev.muse.engine;

import static dev.muse.engine.Simd.F;
import static dev.muse.engine.Simd.L;
import static dev.muse.engine.Simd.LE_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A Q4_0 weight matrix of rows x cols with its rows interleaved in groups of {@link #ROWS} (32 with AVX-512): one
 * row per 16-bit vector lane. Same bytes per weight as GGUF's Q4_0, another order, so {@link #data()} is this layout.
 *
 * <p>Why: in GGUF order a row's 32 weights of a block share one scale, so a matrix-vector product decodes each block
 * into two float vectors, scales a partial sum per block and reduces it across lanes per row, all per 32 weights;
 * generation ran at about 9 GB/s per core, half of what memory delivers. With rows in lanes, one activation value
 * is broadcast against a whole group of rows, the scales of the group are one vector, and no lane ever crosses
 * another. The products are 16-bit integers: activations are quantised to 8 bits per block as llama.cpp does for
 * this type ({@link Q8Activations}), a block's 32 products of a row always fit in 16 bits, and a vector holds twice
 * as many shorts as floats (one core, 2048 x 2048: 21 GB/s, against 13 for float products in rows of 16 lanes and
 * 8.7 in GGUF order).
 *
 * <p>Layout: group g (rows [gR, gR+R), R = {@link #ROWS}), column block b (32 columns) lies at byte
 * (g * blocks + b) * 18R: the R rows' fp16 scales, then eight runs of R little-endian shorts. Short r of run j holds
 * row r's quants q (in [0, 16), weight = (q - 8) * scale) of columns 4j..4j+3 of the block, column 4j+k in bits
 * [4k, 4k+4): an and, or a shift and an and, isolates one column's quants for the whole group.
 *
 * <p>The kernels spell the decode out inline: through a helper method C2 stopped inlining within its node budget
 * and boxed every vector (1.2 GB/s).
 */
public final class Q4_0RowGroupTensor implements Tensor {
    /** Shorts in a vector of the float species' shape: 2L. */
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_64.withShape(F.vectorShape());
    /** Rows per group, one per short lane. */
    static final int ROWS = SHORTS.length();
    private static final int BLOCK = 32;
    private static final int RUNS = 8;
    private static final long GROUP_BLOCK_BYTES = 18L * ROWS;

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
        if (!(w instanceof Q4_0Tensor) || rows % ROWS != 0) return false;
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
        if (!(w instanceof Q4_0Tensor) || rows % ROWS != 0 || (long) rows * cols != w.size() || cols % BLOCK != 0)
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
        for (int g = 0; g < rows / ROWS; g++) {
            long done = g * groupBytes;
            if (done - reported >= 1 << 20) {
                copied.bytes(reported, done - reported);
                reported = done;
            }
            MemorySegment.copy(source, g * groupBytes, rowsOfGroup, 0, groupBytes);
            long at = g * groupBytes;
            for (int b = 0; b < blocks; b++, at += GROUP_BLOCK_BYTES)
                for (int r = 0; r < ROWS; r++) {
                    long block = r * rowBytes + b * 18L;
                    target.set(LE_SHORT, at + 2L * r, rowsOfGroup.get(LE_SHORT, block));
                    for (int j = 0; j < RUNS; j++) {
                        int lane = 0;
                        for (int k = 0; k < 4; k++) {
                            int column = 4 * j + k, packed = group[(int) block + 2 + (column & 15)] & 0xFF;
                            lane |= (column < 16 ? packed & 0xF : packed >>> 4) << (4 * k);
                        }
                        target.set(LE_SHORT, at + 2L * ROWS * (1 + j) + 2L * r, (short) lane);
                    }
                }
        }
        copied.bytes(reported, source.byteSize() - reported);
    }

    int groups() { return rows / ROWS; }

    @Override public GgmlType type() { return GgmlType.Q4_0; }

    @Override public long size() { return (long) rows * cols; }

    @Override public MemorySegment data() { return data; }

    /** Byte offset of the group block holding element (row, col). */
    private long groupBlock(int row, int col) {
        return ((long) (row / ROWS) * blocks + col / BLOCK) * GROUP_BLOCK_BYTES;
    }

    private int quant(long groupBlock, int lane, int columnInBlock) {
        int packed = data.get(LE_SHORT, groupBlock + 2L * ROWS * (1 + columnInBlock / 4) + 2L * lane);
        return packed >>> 4 * (columnInBlock % 4) & 0xF;
    }

    @Override public float get(long index) {
        int row = (int) (index / cols), col = (int) (index % cols);
        long at = groupBlock(row, col);
        return (quant(at, row % ROWS, col % BLOCK) - 8) * Simd.f16(data, at + 2L * (row % ROWS));
    }

    /** Scalar: generation and prompts use the group kernels below; this serves embedding lookups and odd reads. */
    @Override public void dequantize(long offset, float[] out, int outOffset, int n) {
        for (int i = 0; i < n; i += BLOCK) {
            long index = offset + i;
            int row = (int) (index / cols), col = (int) (index % cols), lane = row % ROWS;
            long at = groupBlock(row, col);
            float d = Simd.f16(data, at + 2L * lane);
            for (int c = 0; c < BLOCK; c++) out[outOffset + i + c] = (quant(at, lane, c) - 8) * d;
        }
    }

    /** One row's dot with float activations, block by block (scalar: matrix products go through the kernels below). */
    @Override public float dot(long offset, float[] x, int xOffset, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i += BLOCK) {
            long index = offset + i;
            int row = (int) (index / cols), col = (int) (index % cols), lane = row % ROWS;
            long at = groupBlock(row, col);
            float block = 0f;
            for (int c = 0; c < BLOCK; c++) block += (quant(at, lane, c) - 8) * x[xOffset + i + c];
            sum += block * Simd.f16(data, at + 2L * lane);
        }
        return sum;
    }

    /**
     * out[outOffset + r] = row r . x for the rows of groups [from, to), x being the quantised activations from
     * column xColumn on (a multiple of 32); added to what out holds when accumulate is set. A block's products
     * start from x's correction (-8 times the activations' sum) and multiply the unsigned quants; 16-bit sums wrap,
     * but the block's total fits, so it comes out exact.
     */
    void matvec(Q8Activations x, int xColumn, float[] out, int outOffset, int from, int to, boolean accumulate) {
        int[] pairs = x.pairs, corrections = x.corrections;
        float[] xScales = x.scales;
        for (int g = from; g < to; g++) {
            long at = (long) g * blocks * GROUP_BLOCK_BYTES;
            FloatVector low = FloatVector.zero(F), high = low;
            for (int b = 0, c = xColumn, xb = xColumn / BLOCK; b < blocks; b++, xb++) {
                FloatVector d0 = scales(data, at, 0), d1 = scales(data, at, 1);
                at += 2L * ROWS;
                ShortVector a0 = IntVector.broadcast(Simd.I, corrections[xb]).reinterpretAsShorts(), a1 = ShortVector.zero(SHORTS);
                for (int j = 0; j < RUNS; j++, at += 2L * ROWS, c += 4) {
                    ShortVector v = ShortVector.fromMemorySegment(SHORTS, data, at, Simd.LE);
                    a0 = v.and((short) 0xF).mul(IntVector.broadcast(Simd.I, pairs[c]).reinterpretAsShorts()).add(a0);
                    a1 = v.lanewise(VectorOperators.LSHR, 4).and((short) 0xF).mul(IntVector.broadcast(Simd.I, pairs[c + 1]).reinterpretAsShorts()).add(a1);
                    a0 = v.lanewise(VectorOperators.LSHR, 8).and((short) 0xF).mul(IntVector.broadcast(Simd.I, pairs[c + 2]).reinterpretAsShorts()).add(a0);
                    a1 = v.lanewise(VectorOperators.LSHR, 12).mul(IntVector.broadcast(Simd.I, pairs[c + 3]).reinterpretAsShorts()).add(a1);
                }
                ShortVector sum = a0.add(a1);
                float dx = xScales[xb];
                low = ((FloatVector) sum.convertShape(VectorOperators.S2F, F, 0)).fma(d0.mul(dx), low);
                high = ((FloatVector) sum.convertShape(VectorOperators.S2F, F, 1)).fma(d1.mul(dx), high);
            }
            int o = outOffset + g * ROWS;
            if (accumulate) {
                low = low.add(FloatVector.fromArray(F, out, o));
                high = high.add(FloatVector.fromArray(F, out, o + L));
            }
            low.intoArray(out, o);
            high.intoArray(out, o + L);
        }
    }

    /**
     * {@link #matvec} for four activation rows at once (columns xColumn + i * xStride .., i in [0, 4)), writing
     * out[outOffset + i * outStride + r]: each run of quants is loaded and split once for the four. Batched
     * generation steps of a few sequences take this path.
     */
    void matvec4(Q8Activations x, int xColumn, int xStride, float[] out, int outOffset, int outStride, int from, int to) {
        int[] pairs = x.pairs, corrections = x.corrections;
        float[] xScales = x.scales;
        int blockStride = xStride / BLOCK;
        for (int g = from; g < to; g++) {
            long at = (long) g * blocks * GROUP_BLOCK_BYTES;
            FloatVector low0 = FloatVector.zero(F), high0 = low0, low1 = low0, high1 = low0, low2 = low0, high2 = low0, low3 = low0, high3 = low0;
            for (int b = 0, xb = xColumn / BLOCK; b < blocks; b++, xb++) {
                FloatVector d0 = scales(data, at, 0), d1 = scales(data, at, 1);
                at += 2L * ROWS;
                int xb1 = xb + blockStride, xb2 = xb1 + blockStride, xb3 = xb2 + blockStride;
                ShortVector a0 = IntVector.broadcast(Simd.I, corrections[xb]).reinterpretAsShorts();
                ShortVector a1 = IntVector.broadcast(Simd.I, corrections[xb1]).reinterpretAsShorts();
                ShortVector a2 = IntVector.broadcast(Simd.I, corrections[xb2]).reinterpretAsShorts();
                ShortVector a3 = IntVector.broadcast(Simd.I, corrections[xb3]).reinterpretAsShorts();
                ShortVector q;
                for (int j = 0, c0 = xb * BLOCK; j < RUNS; j++, at += 2L * ROWS, c0 += 4) {
                    ShortVector v = ShortVector.fromMemorySegment(SHORTS, data, at, Simd.LE);
                    int c1 = c0 + xStride, c2 = c1 + xStride, c3 = c2 + xStride;
                    q = v.and((short) 0xF);
                    a0 = q.mul(IntVector.broadcast(Simd.I, pairs[c0]).reinterpretAsShorts()).add(a0);
                    a1 = q.mul(IntVector.broadcast(Simd.I, pairs[c1]).reinterpretAsShorts()).add(a1);
                    a2 = q.mul(IntVector.broadcast(Simd.I, pairs[c2]).reinterpretAsShorts()).add(a2);
                    a3 = q.mul(IntVector.broadcast(Simd.I, pairs[c3]).reinterpretAsShorts()).add(a3);
                    q = v.lanewise(VectorOperators.LSHR, 4).and((short) 0xF);
                    a0 = q.mul(IntVector.broadcast(Simd.I, pairs[c0 + 1]).reinterpretAsShorts()).add(a0);
                    a1 = q.mul(IntVector.broadcast(Simd.I, pairs[c1 + 1]).reinterpretAsShorts()).add(a1);
                    a2 = q.mul(IntVector.broadcast(Simd.I, pairs[c2 + 1]).reinterpretAsShorts()).add(a2);
                    a3 = q.mul(IntVector.broadcast(Simd.I, pairs[c3 + 1]).reinterpretAsShorts()).add(a3);
                    q = v.lanewise(VectorOperators.LSHR, 8).and((short) 0xF);
                    a0 = q.mul(IntVector.broadcast(Simd.I, pairs[c0 + 2]).reinterpretAsShorts()).add(a0);
                    a1 = q.mul(IntVector.broadcast(Simd.I, pairs[c1 + 2]).reinterpretAsShorts()).add(a1);
                    a2 = q.mul(IntVector.broadcast(Simd.I, pairs[c2 + 2]).reinterpretAsShorts()).add(a2);
                    a3 = q.mul(IntVector.broadcast(Simd.I, pairs[c3 + 2]).reinterpretAsShorts()).add(a3);
                    q = v.lanewise(VectorOperators.LSHR, 12);
                    a0 = q.mul(IntVector.broadcast(Simd.I, pairs[c0 + 3]).reinterpretAsShorts()).add(a0);
                    a1 = q.mul(IntVector.broadcast(Simd.I, pairs[c1 + 3]).reinterpretAsShorts()).add(a1);
                    a2 = q.mul(IntVector.broadcast(Simd.I, pairs[c2 + 3]).reinterpretAsShorts()).add(a2);
                    a3 = q.mul(IntVector.broadcast(Simd.I, pairs[c3 + 3]).reinterpretAsShorts()).add(a3);
                }
                low0 = ((FloatVector) a0.convertShape(VectorOperators.S2F, F, 0)).mul(xScales[xb]).fma(d0, low0);
                high0 = ((FloatVector) a0.convertShape(VectorOperators.S2F, F, 1)).mul(xScales[xb]).fma(d1, high0);
                low1 = ((FloatVector) a1.convertShape(VectorOperators.S2F, F, 0)).mul(xScales[xb1]).fma(d0, low1);
                high1 = ((FloatVector) a1.convertShape(VectorOperators.S2F, F, 1)).mul(xScales[xb1]).fma(d1, high1);
                low2 = ((FloatVector) a2.convertShape(VectorOperators.S2F, F, 0)).mul(xScales[xb2]).fma(d0, low2);
                high2 = ((FloatVector) a2.convertShape(VectorOperators.S2F, F, 1)).mul(xScales[xb2]).fma(d1, high2);
                low3 = ((FloatVector) a3.convertShape(VectorOperators.S2F, F, 0)).mul(xScales[xb3]).fma(d0, low3);
                high3 = ((FloatVector) a3.convertShape(VectorOperators.S2F, F, 1)).mul(xScales[xb3]).fma(d1, high3);
            }
            int o = outOffset + g * ROWS;
            low0.intoArray(out, o);
            high0.intoArray(out, o + L);
            low1.intoArray(out, o + outStride);
            high1.intoArray(out, o + outStride + L);
            low2.intoArray(out, o + 2 * outStride);
            high2.intoArray(out, o + 2 * outStride + L);
            low3.intoArray(out, o + 3 * outStride);
            high3.intoArray(out, o + 3 * outStride + L);
        }
    }

    /**
     * Half (part 0 or 1) of the group's fp16 scales at byte at, as floats: exponent and mantissa moved into float
     * position, rebased by a multiplication by 2^112 (exact for normal and subnormal halves), sign put back.
     * Short enough that C2 inlines it into the kernels; the general {@link Simd#halfToFloat} pushed them past C2's
     * node budget and every vector got boxed. Infinite and NaN scales are not handled here: such matrices keep the
     * GGUF layout ({@link #fits}).
     */
    private static FloatVector scales(MemorySegment data, long at, int part) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(SHORTS, data, at, Simd.LE).convertShape(VectorOperators.ZERO_EXTEND_S2I, Simd.I, part);
        FloatVector magnitude = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f);
        return magnitude.reinterpretAsInts().or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    /**
     * Group g's weights as floats, column-major: tile[offset + c * stride + r] = weight (gR + r, c). Prompts and
     * larger batched steps decode groups once side by side and multiply them by all their activation rows in
     * floats ({@link Kernels#matmulNN}).
     */
    void decodeGroup(int g, float[] tile, int offset, int stride) {
        long at = (long) g * blocks * GROUP_BLOCK_BYTES;
        for (int b = 0, t = offset; b < blocks; b++) {
            FloatVector d0 = scales(data, at, 0), d1 = scales(data, at, 1);
            at += 2L * ROWS;
            for (int j = 0; j < RUNS; j++, at += 2L * ROWS, t += 4 * stride) {
                ShortVector v = ShortVector.fromMemorySegment(SHORTS, data, at, Simd.LE), q;
                q = v.and((short) 0xF);
                ((FloatVector) q.convertShape(VectorOperators.S2F, F, 0)).sub(8f).mul(d0).intoArray(tile, t);
                ((FloatVector) q.convertShape(VectorOperators.S2F, F, 1)).sub(8f).mul(d1).intoArray(tile, t + L);
                q = v.lanewise(VectorOperators.LSHR, 4).and((short) 0xF);
                ((FloatVector) q.convertShape(VectorOperators.S2F, F, 0)).sub(8f).mul(d0).intoArray(tile, t + stride);
                ((FloatVector) q.convertShape(VectorOperators.S2F, F, 1)).sub(8f).mul(d1).intoArray(tile, t + stride + L);
                q = v.lanewise(VectorOperators.LSHR, 8).and((short) 0xF);
                ((FloatVector) q.convertShape(VectorOperators.S2F, F, 0)).sub(8f).mul(d0).intoArray(tile, t + 2 * stride);
                ((FloatVector) q.convertShape(VectorOperators.S2F, F, 1)).sub(8f).mul(d1).intoArray(tile, t + 2 * stride + L);
                q = v.lanewise(VectorOperators.LSHR, 12);
                ((FloatVector) q.convertShape(VectorOperators.S2F, F, 0)).sub(8f).mul(d0).intoArray(tile, t + 3 * stride);
                ((FloatVector) q.convertShape(VectorOperators.S2F, F, 1)).sub(8f).mul(d1).intoArray(tile, t + 3 * stride + L);
            }
        }
    }
}
