package dev.muse.formats.gguf;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Tensor;
import dev.muse.formats.FormatException;
import dev.muse.formats.Metadata;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truncated and corrupted GGUF files: every one must either parse or fail with a FormatException,
 * never crash, hang or allocate more than a small multiple of the file's size.
 */
class GgufFuzzTest {
    @TempDir Path dir;
    byte[] valid;
    /** Byte offsets of interesting header fields in the valid file. */
    int tensorCountAt = 8, kvCountAt = 16, firstKeyLengthAt = 24;

    @BeforeEach
    void writeValidFile() throws Exception {
        Metadata m = new Metadata()
                .putString("general.architecture", "llama")
                .putStrings("tokenizer.ggml.tokens", new String[] {"a", "b", "c", "d"})
                .putFloats("tokenizer.ggml.scores", new float[] {1, 2, 3, 4});
        Path file = dir.resolve("valid.gguf");
        new GgufWriter(m)
                .addTensor("token_embd.weight", GgmlType.F32, new long[] {32, 4}, () -> Tensor.quantize(GgmlType.F32, new float[128]))
                .addTensor("output_norm.weight", GgmlType.F32, new long[] {32}, () -> Tensor.quantize(GgmlType.F32, new float[32]))
                .write(file);
        valid = Files.readAllBytes(file);
        // Warm up class loading and exception paths, unmeasured (in a fresh test JVM the first open loads and
        // initialises the parser's classes), so the allocation checks below measure parsing only.
        for (byte[] warmUp : new byte[][] {valid, java.util.Arrays.copyOf(valid, 100)}) {
            Files.write(dir.resolve("warm-up.gguf"), warmUp);
            try (GgufFile g = GgufFile.open(dir.resolve("warm-up.gguf"))) {
                for (var info : g.tensors()) g.tensor(info.name()).get(0);
            } catch (FormatException expected) {
                assertNotNull(expected.getMessage());
            }
        }
    }

    @Test
    void everyTruncationFailsCleanly() throws Exception {
        for (int length = 0; length < valid.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(valid, length);
            assertOpensOrRejects(cut, "truncated to " + length, length < valid.length - 256);
        }
    }

    @Test
    void randomCorruptionsNeverCrash() throws Exception {
        Random random = new Random(42);
        int headerEnd = valid.length - 160 * 4; // corrupt mostly the header and tables, where parsing happens
        for (int round = 0; round < 400; round++) {
            byte[] bad = valid.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) bad[random.nextInt(headerEnd)] = (byte) random.nextInt(256);
            assertOpensOrRejects(bad, "corruption round " + round, false);
        }
    }

    @Test
    void absurdFieldsAreRejectedWithClearMessages() throws Exception {
        assertRejected(patchLong(tensorCountAt, Long.MAX_VALUE / 2), "tensor count");
        assertRejected(patchLong(kvCountAt, 1L << 40), "metadata count");
        assertRejected(patchLong(firstKeyLengthAt, 1L << 50), "metadata key");
        assertRejected(patchLong(tensorCountAt, -1), "absurd");
        byte[] badVersion = valid.clone();
        badVersion[4] = 9;
        assertRejected(badVersion, "version 9");
        // The array of 4 tokens: make it claim 2^40 elements.
        int tokensCount = indexOf(valid, "tokenizer.ggml.tokens".getBytes()) + "tokenizer.ggml.tokens".length() + 8;
        assertRejected(patchLongAt(valid, tokensCount, 1L << 40), "cannot fit");
        // Tensor dimensions, type and offset.
        int infoAt = indexOf(valid, "token_embd.weight".getBytes()) + "token_embd.weight".length();
        assertRejected(patchIntAt(valid, infoAt, 7), "dimensions");
        assertRejected(patchLongAt(valid, infoAt + 4, 1L << 62), "absurd shape");
        assertRejected(patchIntAt(valid, infoAt + 4 + 16, 99), "unknown ggml tensor type");
        assertRejected(patchLongAt(valid, infoAt + 4 + 16 + 4, 1L << 30), "past the end");
        assertRejected(patchLongAt(valid, infoAt + 4 + 16 + 4, 3), "not aligned");
    }

    private byte[] patchLong(int at, long value) { return patchLongAt(valid, at, value); }

    private static byte[] patchLongAt(byte[] src, int at, long value) {
        byte[] b = src.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
        return b;
    }

    private static byte[] patchIntAt(byte[] src, int at, int value) {
        byte[] b = src.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return b;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }

    private void assertRejected(byte[] bytes, String expectedMessagePart) throws Exception {
        Path file = dir.resolve("bad.gguf");
        Files.write(file, bytes);
        FormatException e = assertThrows(FormatException.class, () -> GgufFile.open(file).close());
        assertTrue(e.getMessage().contains(expectedMessagePart), "message '" + e.getMessage() + "' should mention " + expectedMessagePart);
    }

    private void assertOpensOrRejects(byte[] bytes, String what, boolean mustReject) throws Exception {
        Path file = dir.resolve("fuzz.gguf");
        Files.write(file, bytes);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        try (GgufFile g = GgufFile.open(file)) {
            if (mustReject) fail(what + " should have been rejected");
            for (var info : g.tensors()) g.tensor(info.name()).get(0);
        } catch (FormatException expected) {
            assertNotNull(expected.getMessage());
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 256L * 1024 + 16L * bytes.length, what + " allocated " + allocated + " bytes for a " + bytes.length + "-byte file");
    }
}
