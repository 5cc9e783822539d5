package dev.muse.formats.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Tensor;
import dev.muse.formats.FormatException;
import dev.muse.formats.TensorInfo;
import dev.muse.formats.TensorSource;
import dev.muse.formats.detect.WeightFiles;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors reader: what the writer wrote reads back; every malformed header is refused by name; damage never crashes it. */
class SafetensorsFileTest {
    @TempDir Path dir;

    static final float[] W = {1.5f, -2f, 0.25f, 3f, -0.125f, 7f};

    static Path sample(Path file) throws Exception {
        ByteBuffer ids = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(0).putLong(1).putLong(2);
        SafetensorsWriter.write(file, List.of(
                new SafetensorsWriter.Entry("down.weight", "F32", new long[] {2, 3}, Tensor.quantize(GgmlType.F32, W)),
                new SafetensorsWriter.Entry("norm.bias", "F16", new long[] {4}, Tensor.quantize(GgmlType.F16, new float[] {1, 2, 3, 4})),
                new SafetensorsWriter.Entry("conv.weight", "BF16", new long[] {2, 1, 1, 2}, Tensor.quantize(GgmlType.BF16, new float[] {1, -1, 0.5f, 2})),
                new SafetensorsWriter.Entry("position_ids", "I64", new long[] {1, 3}, ids.array())),
                Map.of("format", "pt"));
        return file;
    }

    @Test
    void readsWhatTheWriterWrote() throws Exception {
        Path file = sample(dir.resolve("model.safetensors"));
        try (TensorSource source = WeightFiles.open(file)) {
            assertInstanceOf(SafetensorsFile.class, source);
            assertEquals(List.of("down.weight", "norm.bias", "conv.weight"), source.tensors().stream().map(TensorInfo::name).toList());
            TensorInfo down = source.info("down.weight");
            assertEquals(GgmlType.F32, down.type());
            assertArrayEquals(new long[] {3, 2}, down.shape(), "ggml order: the innermost dimension first");
            Tensor t = source.tensor("down.weight");
            for (int i = 0; i < W.length; i++) assertEquals(W[i], t.get(i));
            assertEquals(4f, source.tensor("norm.bias").get(3));
            assertArrayEquals(new long[] {2, 1, 1, 2}, source.info("conv.weight").shape());
            assertEquals(0.5f, source.tensor("conv.weight").get(2));
            assertEquals("pt", source.metadata().getString("safetensors.format", null));
            FormatException ids = assertThrows(FormatException.class, () -> source.info("position_ids"));
            assertTrue(ids.getMessage().contains("I64"), ids.getMessage());
            assertFalse(source.has("position_ids"));
            assertThrows(FormatException.class, () -> source.tensor("missing"));
        }
    }

    /** Each of these headers is refused with a FormatException, never another exception. */
    @Test
    void refusesMalformedHeaders() throws Exception {
        String ok = "\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]";
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("cut JSON", "{\"a\":{" + ok);
        cases.put("text after the JSON", "{\"a\":{" + ok + "}} x");
        cases.put("not an object", "[1,2]");
        cases.put("an unknown dtype", "{\"a\":{\"dtype\":\"F12\",\"shape\":[2],\"data_offsets\":[0,8]}}");
        cases.put("a shape that does not fill its bytes", "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}");
        cases.put("offsets past the data", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}");
        cases.put("offsets backwards", "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}");
        cases.put("overlapping tensors", "{\"a\":{" + ok + "},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}");
        cases.put("a gap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}");
        cases.put("bytes left over", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
        cases.put("a key twice", "{\"a\":{" + ok + "},\"a\":{" + ok + "}}");
        cases.put("a negative dimension", "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}");
        cases.put("an overflowing shape", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4],\"data_offsets\":[0,8]}}");
        cases.put("too many dimensions", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,2],\"data_offsets\":[0,8]}}");
        cases.put("a metadata number", "{\"__metadata__\":{\"n\":1},\"a\":{" + ok + "}}");
        cases.put("nesting 200 deep", "{\"a\":" + "[".repeat(200) + "]".repeat(200) + "}");
        cases.put("a control character in a string", "{\"a\u0001\":{" + ok + "}}");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path file = raw(c.getValue().getBytes(StandardCharsets.UTF_8), 8);
            FormatException e = assertThrows(FormatException.class, () -> SafetensorsFile.open(file), c.getKey());
            assertFalse(e.getMessage().isBlank(), c.getKey());
        }
        Path notUtf8 = raw(new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'}, 0);
        assertTrue(assertThrows(FormatException.class, () -> SafetensorsFile.open(notUtf8)).getMessage().contains("UTF-8"));
        Path tooLong = dir.resolve("long.safetensors");
        Files.write(tooLong, ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).putInt(0).array());
        assertTrue(assertThrows(FormatException.class, () -> SafetensorsFile.open(tooLong)).getMessage().contains("does not fit"));
        Path tiny = Files.write(dir.resolve("tiny.safetensors"), new byte[] {1, 2, 3});
        assertThrows(FormatException.class, () -> SafetensorsFile.open(tiny));
    }

    /** Damaged copies of a valid file: each opens (and then every tensor reads) or is refused with a FormatException. */
    @Test
    void survivesDamagedFiles() throws Exception {
        byte[] valid = Files.readAllBytes(sample(dir.resolve("valid.safetensors")));
        Random random = new Random(16);
        int opened = 0, refused = 0;
        for (int round = 0; round < 400; round++) {
            byte[] bad = valid.clone();
            switch (round % 3) {
                case 0 -> bad = java.util.Arrays.copyOf(bad, random.nextInt(bad.length));
                case 1 -> {
                    for (int n = 0; n < 1 + random.nextInt(4); n++) bad[random.nextInt(Math.min(bad.length, 8 + 400))] = (byte) random.nextInt(256);
                }
                default -> ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putLong(0, random.nextLong(bad.length + 64));
            }
            Path file = Files.write(dir.resolve("damaged.safetensors"), bad);
            try (SafetensorsFile source = SafetensorsFile.open(file)) {
                for (TensorInfo t : source.tensors()) {
                    Tensor tensor = source.tensor(t.name());
                    if (t.elements() > 0) tensor.get(t.elements() - 1);
                }
                opened++;
            } catch (FormatException expected) {
                refused++;
            }
        }
        System.out.println("damaged safetensors files: " + opened + " opened, " + refused + " refused");
        assertTrue(refused > 100 && opened > 0, opened + " opened, " + refused + " refused");
    }

    /** A file of the given header bytes and that many zero data bytes. */
    private Path raw(byte[] header, int dataBytes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
        out.write(header);
        out.write(new byte[dataBytes]);
        return Files.write(dir.resolve("case.safetensors"), out.toByteArray());
    }
}
