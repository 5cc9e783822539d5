package dev.muse.formats.gguf;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.GgmlType;
import dev.muse.engine.MatrixLayout;
import dev.muse.engine.Tensor;
import dev.muse.formats.GgufValueType;
import dev.muse.formats.FormatException;
import dev.muse.formats.Metadata;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufRoundTripTest {
    @TempDir Path dir;

    @Test
    void writesAndReadsMetadataAndTensors() throws Exception {
        Metadata m = new Metadata()
                .putString("general.architecture", "llama")
                .putUInt32("llama.block_count", 5)
                .putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putBool("tokenizer.ggml.add_bos_token", true)
                .putStrings("tokenizer.ggml.tokens", new String[] {"<unk>", "héllo", "🙂"})
                .putFloats("tokenizer.ggml.scores", new float[] {0f, -1.5f, 2f})
                .putInts("tokenizer.ggml.token_type", new int[] {2, 1, 1})
                .put("some.u64", GgufValueType.UINT64, null, 1L << 40)
                .put("some.u8", GgufValueType.UINT8, null, 200);
        float[] values = new float[3 * 8];
        for (int i = 0; i < values.length; i++) values[i] = i * 0.25f - 1;
        Path file = dir.resolve("m.gguf");
        new GgufWriter(m)
                .addTensor("a", GgmlType.F32, new long[] {8, 3}, () -> Tensor.quantize(GgmlType.F32, values))
                .addTensor("b", GgmlType.F32, new long[] {5}, () -> Tensor.quantize(GgmlType.F32, new float[] {1, 2, 3, 4, 5}))
                .write(file);

        try (GgufFile g = GgufFile.open(file)) {
            assertEquals(3, g.version());
            Metadata r = g.metadata();
            assertEquals("llama", r.requireString("general.architecture"));
            assertEquals(5, r.requireInt("llama.block_count"));
            assertEquals(GgufValueType.UINT32, r.type("llama.block_count"));
            assertEquals(1e-5f, r.requireFloat("llama.attention.layer_norm_rms_epsilon"));
            assertTrue(r.getBool("tokenizer.ggml.add_bos_token", false));
            assertArrayEquals(new String[] {"<unk>", "héllo", "🙂"}, r.getStrings("tokenizer.ggml.tokens"));
            assertArrayEquals(new float[] {0f, -1.5f, 2f}, r.getFloats("tokenizer.ggml.scores"));
            assertArrayEquals(new int[] {2, 1, 1}, r.getInts("tokenizer.ggml.token_type"));
            assertEquals(1L << 40, r.get("some.u64"));
            assertEquals(200, r.get("some.u8"));
            assertEquals(2, g.tensors().size());
            assertArrayEquals(new long[] {8, 3}, g.info("a").shape());
            Tensor a = g.tensor("a");
            for (int i = 0; i < values.length; i++) assertEquals(values[i], a.get(i));
            assertEquals(5f, g.tensor("b").get(4));
            assertEquals(0, g.dataOffset() % 32);
            assertThrows(FormatException.class, () -> g.tensor("missing"));

            // released pages are read back from the file when touched again; ranges past the tensor are refused
            g.release("a", 32, 64);
            for (int i = 0; i < values.length; i++) assertEquals(values[i], a.get(i));
            assertThrows(IndexOutOfBoundsException.class, () -> g.release("a", 64, 64));
        }
    }

    /** Weights a model copies out of the file (here a 2.6 MB Q8_0 matrix) live in the file's memory and go with it. */
    @Test
    void copiesOfItsTensorsAreReleasedWhenTheFileCloses() throws Exception {
        int rows = 1200, cols = 2048;
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) values[i] = (i % 97) * 0.01f - 0.5f;
        Path file = dir.resolve("w.gguf");
        new GgufWriter(new Metadata().putString("general.architecture", "llama"))
                .addTensor("w", GgmlType.Q8_0, new long[] {cols, rows}, () -> Tensor.quantize(GgmlType.Q8_0, values))
                .write(file);
        Tensor copy;
        try (GgufFile g = GgufFile.open(file)) {
            copy = MatrixLayout.forGeneration(g.tensor("w"), rows, cols, g.memory(), (offset, length) -> g.release("w", offset, length));
            assertEquals(g.tensor("w").get(12345), copy.get(12345));
            assertTrue(copy.data().scope().isAlive());
        }
        assertFalse(copy.data().scope().isAlive(), "the copy's memory is given back with the file's");
        assertThrows(IllegalStateException.class, () -> copy.get(0));
    }

    @Test
    void rejectsNonGguf() throws Exception {
        Path file = dir.resolve("x.gguf");
        Files.writeString(file, "not a gguf file at all");
        FormatException e = assertThrows(FormatException.class, () -> GgufFile.open(file));
        assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
    }
}
