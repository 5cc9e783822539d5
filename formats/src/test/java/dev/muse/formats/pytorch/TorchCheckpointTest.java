package dev.muse.formats.pytorch;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Tensor;
import dev.muse.formats.FormatException;
import dev.muse.formats.JsonValues;
import dev.muse.formats.TensorInfo;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PyTorch checkpoints written by torch.save (golden/pytorch: torch 1.13, its README has the script) read as PyTorch reads
 * them, without running anything: every tensor's values, shapes and names; a pickle that would run code is refused;
 * corrupted files fail cleanly.
 */
class TorchCheckpointTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/pytorch");

    @TempDir Path dir;

    static Map<?, ?> expected() throws Exception {
        return (Map<?, ?>) JsonValues.parse(Files.readString(GOLDEN.resolve("expected.json")), "expected.json");
    }

    static double[] values(Map<?, ?> tensor) {
        return ((List<?>) tensor.get("values")).stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }

    @Test
    void everyTensorReadsAsPyTorchWroteItNamedByItsPath() throws Exception {
        Map<?, ?> expected = expected();
        try (TorchCheckpoint c = TorchCheckpoint.open(GOLDEN.resolve("checkpoint.pth"))) {
            assertEquals(List.of("model.a.weight", "model.a.bias", "model.b.weight", "model.steps", "model.x", "model.x_tail", "model.transposed",
                    "model.p", "model.scalar"), c.tensors().stream().map(TensorInfo::name).toList());
            for (TensorInfo info : c.tensors()) {
                Map<?, ?> want = (Map<?, ?>) expected.get(info.name().substring("model.".length()));
                List<?> shape = (List<?>) want.get("shape");
                long[] ggml = new long[Math.max(1, shape.size())];
                ggml[0] = 1;
                for (int i = 0; i < shape.size(); i++) ggml[i] = ((Number) shape.get(shape.size() - 1 - i)).longValue();
                assertArrayEquals(ggml, info.shape(), info.name());
                assertArrayEquals(values(want), c.doubles(info.name()), 0, info.name());
                if (!info.name().equals("model.steps")) {
                    Tensor t = c.tensor(info.name());
                    double[] got = new double[(int) info.elements()];
                    for (int i = 0; i < got.length; i++) got[i] = t.get(i);
                    assertArrayEquals(values(want), got, 0, "as a weight: " + info.name());
                }
            }
            assertEquals(GgmlType.F16, c.info("model.a.bias").type());
            assertEquals(GgmlType.BF16, c.info("model.b.weight").type());
            FormatException ints = assertThrows(FormatException.class, () -> c.tensor("model.steps"));
            assertTrue(ints.getMessage().contains("long values, not weights"), ints.getMessage());
            Map<?, ?> config = (Map<?, ?>) ((Map<?, ?>) c.values()).get("config");
            assertEquals(3L, config.get("n"));
            assertEquals("tiny é", config.get("name"));
            assertEquals(List.of(0.5, 1.0), config.get("rates"));
            assertEquals(true, config.get("flag"));
            assertNull(config.get("none"));
            assertEquals(List.of(1L, 2L), config.get("pair"));
            assertEquals("model.a.weight", ((Map<?, ?>) ((Map<?, ?>) c.values()).get("model")).get("a.weight"), "tensors are replaced by their names");
        }
    }

    @Test
    void aFileOfOneTensorNamesItAfterTheFile() throws Exception {
        try (TorchCheckpoint voice = TorchCheckpoint.open(GOLDEN.resolve("voice.pt"))) {
            assertEquals(List.of("voice"), voice.tensors().stream().map(TensorInfo::name).toList());
            assertArrayEquals(new long[] {8, 1, 4}, voice.info("voice").shape());
            assertArrayEquals(values((Map<?, ?>) expected().get("voice")), voice.doubles("voice"), 0);
        }
    }

    @Test
    void weightFilesTellACheckpointByItsZipHeader() throws Exception {
        try (var source = dev.muse.formats.detect.WeightFiles.open(GOLDEN.resolve("voice.pt"))) {
            assertInstanceOf(TorchCheckpoint.class, source);
            assertEquals(32, source.info("voice").elements());
        }
    }

    @Test
    void aPickleThatWouldRunCodeIsRefusedByName() {
        FormatException e = assertThrows(FormatException.class, () -> TorchCheckpoint.open(GOLDEN.resolve("evil.pth")).close());
        assertTrue(e.getMessage().contains("refuses the global posix.system"), e.getMessage());
    }

    /** A checkpoint archive holding {@code pickle} as its data.pkl, its entries stored as torch.save stores them. */
    private Path archive(String name, byte[] pickle) throws Exception {
        Path file = dir.resolve(name + ".pth");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
            var entry = new java.util.zip.ZipEntry("archive/data.pkl");
            entry.setMethod(java.util.zip.ZipEntry.STORED);
            entry.setSize(pickle.length);
            var crc = new java.util.zip.CRC32();
            crc.update(pickle);
            entry.setCrc(crc.getValue());
            zip.putNextEntry(entry);
            zip.write(pickle);
            zip.closeEntry();
        }
        return file;
    }

    private static byte[] pickle(int... bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) out[i] = (byte) bytes[i];
        return out;
    }

    @Test
    void hostilePicklesAreRefusedWithoutRecursingOrGrowing() throws Exception {
        // a list that holds itself: ] BINPUT 0, BINGET 0, APPEND, STOP
        assertRefused(archive("self", pickle(0x80, 2, ']', 'q', 0, 'h', 0, 'a', '.')), "nested more than");
        // a list used as a dict key: } ] ] SETITEM
        assertRefused(archive("key", pickle(0x80, 2, '}', ']', ']', 's', '.')), "a dict key of");
        // a tuple nested 200 deep: ) then TUPLE1 200 times
        byte[] deep = new byte[204];
        deep[0] = (byte) 0x80;
        deep[1] = 2;
        deep[2] = ')';
        for (int i = 3; i < 203; i++) deep[i] = (byte) 0x85;
        deep[203] = '.';
        assertRefused(archive("deep", deep), "nested more than");
        // a DAG that would double 40 times: each list holds the previous one twice
        java.io.ByteArrayOutputStream dag = new java.io.ByteArrayOutputStream();
        dag.write(new byte[] {(byte) 0x80, 2, ')'});
        for (int i = 0; i < 40; i++) dag.write(new byte[] {'q', 0, '0', '(', 'h', 0, 'h', 0, 'l'}); // memoise, pop, a list of it twice
        dag.write('.');
        assertRefused(archive("dag", dag.toByteArray()), "nested more than");
    }

    private static void assertRefused(Path file, String part) {
        FormatException e = assertThrows(FormatException.class, () -> TorchCheckpoint.open(file).close());
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void corruptedFilesFailCleanlyWithinTheirSize() throws Exception {
        byte[] good = Files.readAllBytes(GOLDEN.resolve("checkpoint.pth"));
        Random random = new Random(5);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        TorchCheckpoint.open(GOLDEN.resolve("checkpoint.pth")).close(); // classes loaded before allocations are counted
        Path file = dir.resolve("bad.pth");
        int opened = 0;
        for (int round = 0; round < 1500; round++) {
            byte[] bad = round < 300 ? java.util.Arrays.copyOf(good, random.nextInt(good.length)) : good.clone();
            if (round >= 300) for (int flips = 1 + random.nextInt(4); flips > 0; flips--) bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
            Files.write(file, bad);
            long before = threads.getCurrentThreadAllocatedBytes();
            try (TorchCheckpoint c = TorchCheckpoint.open(file)) {
                for (TensorInfo info : c.tensors()) c.doubles(info.name());
                opened++;
            } catch (FormatException expected) {
                assertNotNull(expected.getMessage());
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < 1 << 20, "round " + round + " allocated " + allocated + " bytes for a " + bad.length + "-byte file");
        }
        assertTrue(opened > 0 && opened < 1200, opened + " of 1200 corrupted files still opened (flips in tensor data do not matter)");
    }
}
