package dev.muse.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A column-blocked matrix holds the same elements as the row-major one and multiplies to the same products. */
class ColumnBlockedTensorTest {
    // three blocks of 512, 512 and 256 columns: a narrower last block, and widths that are whole K-quant blocks
    private static final int ROWS = 37, COLS = 1280, BLOCK = 512;

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void sameElementsAndProducts(GgmlType type) {
        Random random = new Random(70 + type.id);
        Tensor w = Tensor.fromFloats(type, TensorContractTest.gaussian(random, ROWS * COLS, 0.05f));
        Tensor blocked = ColumnBlockedTensor.of(w, ROWS, COLS, BLOCK, Arena.ofAuto());
        assertInstanceOf(ColumnBlockedTensor.class, blocked);
        assertEquals(w.size(), blocked.size());
        assertEquals(type, blocked.type());
        assertEquals(w.data().byteSize(), blocked.data().byteSize());
        for (long i = 0; i < w.size(); i += 7) assertEquals(w.get(i), blocked.get(i), "element " + i);

        // a run of whole rows, and a run that starts and ends inside rows and blocks
        int start = 2 * COLS + type.blockSize * (BLOCK / type.blockSize - 1), n = 3 * COLS;
        float[] expected = new float[n], actual = new float[n];
        w.dequantize(start, expected, 0, n);
        blocked.dequantize(start, actual, 0, n);
        assertArrayEquals(expected, actual);

        float[] x = TensorContractTest.gaussian(random, 40 * COLS, 1f);
        for (int r = 0; r < ROWS; r++) {
            long row = (long) r * COLS;
            TensorContractTest.assertClose(w.dotReference(row, x, COLS, COLS), blocked.dot(row, x, COLS, COLS),
                    TensorContractTest.absDot(w, row, x, COLS, COLS), COLS, type + " dot row " + r);
        }
        for (int batch : new int[] {1, 3, 37}) {
            float[] reference = new float[batch * ROWS], product = new float[batch * ROWS];
            MatmulKernels.matmulBatchReference(w, x, batch, reference, ROWS, COLS);
            MatmulKernels.matmulBatch(blocked, x, batch, product, ROWS, COLS);
            for (int b = 0; b < batch; b++)
                for (int r = 0; r < ROWS; r++)
                    TensorContractTest.assertClose(reference[b * ROWS + r], product[b * ROWS + r],
                            TensorContractTest.absDot(w, (long) r * COLS, x, b * COLS, COLS), COLS, type + " batch " + batch + " row " + b + " output " + r);
        }
    }

    @Test
    void largeMatrixTakesTheParallelPath() {
        Random random = new Random(3);
        int rows = 300, cols = 4096;
        Tensor w = Tensor.fromFloats(GgmlType.Q8_0, TensorContractTest.gaussian(random, rows * cols, 0.05f));
        Tensor blocked = ColumnBlockedTensor.of(w, rows, cols);
        float[] x = TensorContractTest.gaussian(random, cols, 1f), expected = new float[rows], actual = new float[rows];
        MatmulKernels.matmulReference(w, x, expected, rows, cols);
        MatmulKernels.matmul(blocked, x, actual, rows, cols);
        for (int r = 0; r < rows; r++)
            TensorContractTest.assertClose(expected[r], actual[r], TensorContractTest.absDot(w, (long) r * cols, x, 0, cols), cols, "row " + r);
    }

    @Test
    void narrowRowsStayAsTheyAre() {
        Tensor w = Tensor.fromFloats(GgmlType.Q8_0, new float[4 * 2048]);
        assertSame(w, ColumnBlockedTensor.of(w, 4, 2048));
    }

    @Test
    void copiesOutOfAMappedFile(@TempDir Path dir) throws IOException {
        float[] values = TensorContractTest.gaussian(new Random(5), 8 * 4096, 1f);
        Path file = dir.resolve("w.bin");
        Files.write(file, Tensor.quantize(GgmlType.Q8_0, values));
        try (Arena arena = Arena.ofConfined(); FileChannel channel = FileChannel.open(file)) {
            Tensor mapped = Tensor.of(GgmlType.Q8_0, channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena), values.length);
            Tensor blocked = ColumnBlockedTensor.of(mapped, 8, 4096);
            for (long i = 0; i < values.length; i += 5) assertEquals(mapped.get(i), blocked.get(i), "element " + i);
        }
    }
}
