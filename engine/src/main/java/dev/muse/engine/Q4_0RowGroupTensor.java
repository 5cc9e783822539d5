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
 * as many shorts as floats. Four columns' quants share a lane and are multiplied without masking them apart, by
 * telescoped activations (see {@link Q8Activations}): three shifts, four multiplies and four adds per four columns.
 *
 * <p>Layout: group g (rows [gR, gR+R), R = {@link #ROWS}), column block b (32 columns) lies at byte
 * (g * blocks + b) * 18R: the R rows' fp16 scales, then eight runs of R little-endian shorts. Short r of run j holds
 * a row's quants q (in [0, 16), weight = (q - 8) * scale) of columns 4j..4j+3 of the block, column 4j+k in bits
 * [4k, 4k+4). Lanes are in int order: read as R/2 ints, int i holds row i in its low half and row R/2 + i in its
 * high half (both for scales and quants), so an arithmetic shift or two turns either half into the ints of R/2
 * rows in order, with no conversion between vector shapes. An fp16 scale s so shifted into float position (sign
 * to bit 31, exponent and mantissa to bits 13-27) reads as the float s * 2^-112 exactly, normal or subnormal; the
 * activations' scales carry the factor 2^112 back ({@link Q8Activations#rebasedScales}).
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
    /** Float bits of a scale shifted into place: the sign and the fp16 exponent and mantissa, nothing else. */
    private static final int LOW_SCALE_BITS = 0x8FFFFFFF, HIGH_SCALE_BITS = 0x8FFFE000;

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

    /** The Q4_0 matrix w (GGUF order) copied into this layout in new memory of arena, reporting copied ranges of w. */
    static Q4_0RowGroupTensor copyOf(Tensor w, int rows, int cols, Arena arena, MatrixLayout.Copied copied) {
        check(w, rows, cols);
        MemorySegment target = WeightMemory.allocate(w.data().byteSize(), arena);
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

    /** The lane of a group's row r: low halves of the ints for rows [0, R/2), high halves for the rest. */
    private static int lane(int r) {
        return r < ROWS / 2 ? 2 * r : 2 * (r - ROWS / 2) + 1;
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
                    long block = r * rowBytes + b * 18L, lane = 2L * lane(r);
                    target.set(LE_SHORT, at + lane, rowsOfGroup.get(LE_SHORT, block));
                    for (int j = 0; j < RUNS; j++) {
                        int packed = 0;
                        for (int k = 0; k < 4; k++) {
                            int column = 4 * j + k, pair = group[(int) block + 2 + (column & 15)] & 0xFF;
                            packed |= (column < 16 ? pair & 0xF : pair >>> 4) << (4 * k);
                        }
                        target.set(LE_SHORT, at + 2L * ROWS * (1 + j) + lane, (short) packed);
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
        int row = (int) (index / cols), col = (int) (index % cols), lane = lane(row % ROWS);
        long at = groupBlock(row, col);
        return (quant(at, lane, col % BLOCK) - 8) * Simd.f16(data, at + 2L * lane);
    }

    /** Scalar: generation and prompts use the group kernels below; this serves embedding lookups and odd reads. */
    @Override public void dequantize(long offset, float[] out, int outOffset, int n) {
        for (int i = 0; i < n; i += BLOCK) {
            long index = offset + i;
            int row = (int) (index / cols), col = (int) (index % cols), lane = lane(row % ROWS);
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
            int row = (int) (index / cols), col = (int) (index % cols), lane = lane(row % ROWS);
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
     * but the block's total fits, so it comes out exact. Each block's sum is scaled by the rows' scales times x's,
     * sum * (d * dx).
     *
     * <p>One loop runs over a group's runs of quants, a block's scaling at every eighth: with a loop over blocks
     * around one over their eight runs, C2 spent more instructions on the inner loop's set-up and addressing than on
     * the products (one core, L2-resident: 29 against 25 GB/s).
     */
    void matvec(Q8Activations x, int xColumn, float[] out, int outOffset, int from, int to, boolean accumulate) {
        int[] pairs = x.pairs, corrections = x.corrections;
        float[] xScales = x.rebasedScales;
        int runs = blocks * RUNS, firstBlock = xColumn / BLOCK;
        for (int g = from; g < to; g++) {
            long at = (long) g * blocks * GROUP_BLOCK_BYTES + 2L * ROWS; // block 0's first run, past its scales
            FloatVector low = FloatVector.zero(F), high = low;
            ShortVector a0 = IntVector.broadcast(Simd.I, corrections[firstBlock]).reinterpretAsShorts(), a1 = ShortVector.zero(SHORTS);
            for (int r = 0, c = xColumn; r < runs; r++, c += 4, at += 2L * ROWS) {
                ShortVector v = ShortVector.fromMemorySegment(SHORTS, data, at, Simd.LE);
                a0 = v.mul(IntVector.broadcast(Simd.I, pairs[c]).reinterpretAsShorts()).add(a0);
                a1 = v.lanewise(VectorOperators.LSHR, 4).mul(IntVector.broadcast(Simd.I, pairs[c + 1]).reinterpretAsShorts()).add(a1);
                a0 = v.lanewise(VectorOperators.LSHR, 8).mul(IntVector.broadcast(Simd.I, pairs[c + 2]).reinterpretAsShorts()).add(a0);
                a1 = v.lanewise(VectorOperators.LSHR, 12).mul(IntVector.broadcast(Simd.I, pairs[c + 3]).reinterpretAsShorts()).add(a1);
                if (r % RUNS == RUNS - 1) {
                    // the block is done: its scales lie before its first run
                    IntVector h = IntVector.fromMemorySegment(Simd.I, data, at - 2L * ROWS * RUNS, Simd.LE);
                    FloatVector d0 = h.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 3).and(LOW_SCALE_BITS).reinterpretAsFloats();
                    FloatVector d1 = h.lanewise(VectorOperators.ASHR, 3).and(HIGH_SCALE_BITS).reinterpretAsFloats();
                    IntVector sum = a0.add(a1).reinterpretAsInts();
                    int xb = firstBlock + r / RUNS;
                    float dx = xScales[xb];
                    low = ((FloatVector) sum.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0)).fma(d0.mul(dx), low);
                    high = ((FloatVector) sum.lanewise(VectorOperators.ASHR, 16).convert(VectorOperators.I2F, 0)).fma(d1.mul(dx), high);
                    a0 = IntVector.broadcast(Simd.I, r + 1 < runs ? corrections[xb + 1] : 0).reinterpretAsShorts();
                    a1 = ShortVector.zero(SHORTS);
                    at += 2L * ROWS; // past the next block's scales
                }
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
     * Group g's weights as floats, column-major: tile[offset + c * stride + r] = weight (gR + r, c). Prompts and
     * larger batched steps decode groups once side by side and multiply them by all their activation rows in
     * floats ({@link GemmKernels#matmulNN}).
     */
    void decodeGroup(int g, float[] tile, int offset, int stride) {
        long at = (long) g * blocks * GROUP_BLOCK_BYTES;
        for (int b = 0, t = offset; b < blocks; b++) {
            IntVector h = IntVector.fromMemorySegment(Simd.I, data, at, Simd.LE);
            // (q - 8) * d as q * d - 8d: the same exact value, rounded once either way
            FloatVector d0 = h.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 3).and(LOW_SCALE_BITS).reinterpretAsFloats().mul(Q8Activations.REBASE);
            FloatVector d1 = h.lanewise(VectorOperators.ASHR, 3).and(HIGH_SCALE_BITS).reinterpretAsFloats().mul(Q8Activations.REBASE);
            FloatVector m0 = d0.mul(-8f), m1 = d1.mul(-8f);
            at += 2L * ROWS;
            for (int j = 0; j < RUNS; j++, at += 2L * ROWS) {
                IntVector v = IntVector.fromMemorySegment(Simd.I, data, at, Simd.LE);
                for (int k = 0; k < 4; k++, t += stride) {
                    IntVector q0 = v.lanewise(VectorOperators.LSHR, 4 * k).and(0xF), q1 = v.lanewise(VectorOperators.LSHR, 16 + 4 * k).and(0xF);
                    ((FloatVector) q0.convert(VectorOperators.I2F, 0)).fma(d0, m0).intoArray(tile, t);
                    ((FloatVector) q1.convert(VectorOperators.I2F, 0)).fma(d1, m1).intoArray(tile, t + L);
                }
            }
        }
    }
}
