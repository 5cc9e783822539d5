package dev.muse.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Q4_0 rows regrouped one per vector lane hold the same elements and multiply to the same products. */
class Q4_0RowGroupTensorTest {
    private static final int ROWS = Q4_0RowGroupTensor.ROWS;

    @Test
    void sameElementsAndProducts() {
        int rows = 3 * ROWS, cols = 1280;
        Random random = new Random(41);
        Tensor w = Tensor.fromFloats(GgmlType.Q4_0, TensorContractTest.gaussian(random, rows * cols, 0.05f));
        withOddScales(w);
        Tensor grouped = MatrixLayout.forGeneration(w, rows, cols);
        assertInstanceOf(Q4_0RowGroupTensor.class, grouped);
        assertEquals(GgmlType.Q4_0, grouped.type());
        assertEquals(w.size(), grouped.size());
        assertEquals(w.data().byteSize(), grouped.data().byteSize());
        for (long i = 0; i < w.size(); i++) assertEquals(w.get(i), grouped.get(i), "element " + i);

        int start = 2 * cols + 96, n = 3 * cols;
        float[] expected = new float[n], actual = new float[n];
        w.dequantize(start, expected, 0, n);
        grouped.dequantize(start, actual, 0, n);
        assertArrayEquals(expected, actual);

        float[] x = TensorContractTest.gaussian(random, 70 * cols, 1f);
        for (int r = 0; r < rows; r++) {
            long row = (long) r * cols;
            TensorContractTest.assertClose(w.dotReference(row, x, cols, cols), grouped.dot(row, x, cols, cols),
                    TensorContractTest.absDot(w, row, x, cols, cols), cols, "dot row " + r);
        }
        assertProducts(w, grouped, x, rows, cols);
    }

    /** Wide rows: column blocks whose blocks are regrouped where they lie. */
    @Test
    void columnBlocksAreRegrouped() {
        int rows = 2 * ROWS, cols = 2 * ColumnBlockedTensor.BLOCK_COLS + 512;
        Random random = new Random(42);
        Tensor w = Tensor.fromFloats(GgmlType.Q4_0, TensorContractTest.gaussian(random, rows * cols, 0.05f));
        Tensor laidOut = MatrixLayout.forGeneration(w, rows, cols);
        ColumnBlockedTensor blocked = assertInstanceOf(ColumnBlockedTensor.class, laidOut);
        for (int k = 0; k < blocked.blockCount(); k++) assertInstanceOf(Q4_0RowGroupTensor.class, blocked.block(k));
        for (long i = 0; i < w.size(); i += 3) assertEquals(w.get(i), laidOut.get(i), "element " + i);
        assertProducts(w, laidOut, TensorContractTest.gaussian(random, 70 * cols, 1f), rows, cols);
    }

    /** A loader releases the source while the copy grows: every byte is reported once, in order, in several steps. */
    @Test
    void reportsCopiedRangesAsItGoes() {
        int rows = 4096, cols = 1024; // 2.3 MB, several megabyte steps at every vector width (ROWS is 8, 16 or 32)
        Tensor w = Tensor.fromFloats(GgmlType.Q4_0, TensorContractTest.gaussian(new Random(43), rows * cols, 0.05f));
        List<long[]> ranges = new ArrayList<>();
        MatrixLayout.forGeneration(w, rows, cols, Arena.ofAuto(), (offset, length) -> ranges.add(new long[] {offset, length}));
        assertReportedOnceInOrder(ranges, w.data().byteSize());
    }

    /** The ranges (offset, length) cover [0, bytes) once, in order, in more than one piece. */
    static void assertReportedOnceInOrder(List<long[]> ranges, long bytes) {
        assertTrue(ranges.size() > 1, "reported in one piece");
        long next = 0;
        for (long[] range : ranges) {
            assertEquals(next, range[0]);
            next += range[1];
        }
        assertEquals(bytes, next);
    }

    @Test
    void otherMatricesKeepTheirLayout() {
        Tensor q8 = Tensor.fromFloats(GgmlType.Q8_0, new float[2 * ROWS * 256]);
        assertSame(q8, MatrixLayout.forGeneration(q8, 2 * ROWS, 256));
        Tensor partialGroup = Tensor.fromFloats(GgmlType.Q4_0, new float[(ROWS / 2) * 256]);
        assertSame(partialGroup, MatrixLayout.forGeneration(partialGroup, ROWS / 2, 256));
        Tensor infiniteScale = Tensor.fromFloats(GgmlType.Q4_0, new float[ROWS * 256]);
        infiniteScale.data().set(Simd.LE_SHORT, 18L * 5, (short) 0x7C00);
        assertSame(infiniteScale, MatrixLayout.forGeneration(infiniteScale, ROWS, 256));
    }

    /**
     * matmul, and matmulBatch over every path: one row, the four-row kernel and its leftovers, decoded tiles, more
     * than one tile, against the scalar reference (which rounds Q4_0 products' activations to 8 bits per block too).
     */
    private static void assertProducts(Tensor w, Tensor laidOut, float[] x, int rows, int cols) {
        for (int batch : new int[] {1, 2, 3, 4, 5, 8, 17, 64, 70}) {
            float[] reference = new float[batch * rows], product = new float[batch * rows];
            MatmulKernels.matmulBatchReference(w, x, batch, reference, rows, cols);
            MatmulKernels.matmulBatch(laidOut, x, batch, product, rows, cols);
            for (int b = 0; b < batch; b++)
                for (int r = 0; r < rows; r++)
                    TensorContractTest.assertClose(reference[b * rows + r], product[b * rows + r],
                            TensorContractTest.absDot(w, (long) r * cols, x, b * cols, cols), cols, "batch " + batch + " row " + b + " output " + r);
        }
    }

    /** A zero scale and a subnormal one, which the vector fp16 conversion must decode like Float.float16ToFloat. */
    private static void withOddScales(Tensor w) {
        MemorySegment data = w.data();
        data.set(Simd.LE_SHORT, 0, (short) 0);
        data.set(Simd.LE_SHORT, 18L * 41, (short) 0x0203);
        data.set(Simd.LE_SHORT, 18L * 77, (short) 0x8001);
    }
}
