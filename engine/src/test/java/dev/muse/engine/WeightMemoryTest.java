package dev.muse.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weight memory is zeroed, whole, aligned, and (on Linux, where it maps its own pages) unmapped when released; large
 * matrices move into it.
 */
class WeightMemoryTest {
    private static final boolean LINUX = System.getProperty("os.name", "").startsWith("Linux");

    @Test
    void largeAllocationsAreZeroedWritableAndStartOnAHugePageOnLinux() throws IOException {
        long bytes = 5L * 1024 * 1024 + 18; // not a whole number of pages: the tail is usable too
        assertEquals(LINUX, WeightMemory.onHugePages(bytes), "Linux maps weight memory itself; elsewhere the arena does");
        long address;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = WeightMemory.allocate(bytes, arena);
            address = memory.address();
            assertEquals(bytes, memory.byteSize());
            assertEquals(0, address % 64);
            if (LINUX) {
                assertEquals(0, address % (2L << 20), "a huge-page candidate starts on a 2 MiB boundary");
                assertTrue(mapped(address), "the memory is a mapping of its own");
            }
            for (long at = 0; at < bytes; at += 4093) assertEquals(0, memory.get(ValueLayout.JAVA_BYTE, at));
            for (long at = 0; at < bytes; at += 4093) memory.set(ValueLayout.JAVA_BYTE, at, (byte) (at * 31));
            memory.set(ValueLayout.JAVA_BYTE, bytes - 1, (byte) 7);
            for (long at = 0; at < bytes; at += 4093) assertEquals((byte) (at * 31), memory.get(ValueLayout.JAVA_BYTE, at));
            assertEquals(7, memory.get(ValueLayout.JAVA_BYTE, bytes - 1));
        }
        if (LINUX) assertFalse(mapped(address), "closing the arena unmaps the memory");
    }

    @Test
    void smallAllocationsComeFromTheArena() {
        assertFalse(WeightMemory.onHugePages((2L << 20) - 1));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = WeightMemory.allocate(1000, arena);
            assertEquals(1000, memory.byteSize());
            assertEquals(0, memory.address() % 64);
            assertEquals(0, memory.get(ValueLayout.JAVA_LONG, 992));
        }
    }

    /**
     * A large matrix with no layout of its own (Q8_0, rows no wider than a column block) is copied onto huge-page
     * candidates where there are any, a megabyte at a time, each reported once copied; elsewhere it stays as it is.
     */
    @Test
    void largeMatricesWithoutALayoutAreCopiedAsTheyAreReleased() {
        int rows = 1200, cols = 2048; // 2.6 MB of Q8_0
        Tensor w = Tensor.fromFloats(GgmlType.Q8_0, TensorContractTest.gaussian(new Random(5), rows * cols, 0.1f));
        List<long[]> ranges = new ArrayList<>();
        Tensor copy = MatrixLayout.forGeneration(w, rows, cols, Arena.ofAuto(), (offset, length) -> ranges.add(new long[] {offset, length}));
        if (!LINUX) {
            assertSame(w, copy);
            return;
        }
        assertNotSame(w, copy);
        assertEquals(GgmlType.Q8_0, copy.type());
        assertEquals(0, copy.data().address() % (2L << 20));
        assertEquals(-1, copy.data().mismatch(w.data()), "the same bytes");
        Q4_0RowGroupTensorTest.assertReportedOnceInOrder(ranges, w.data().byteSize());
    }

    /**
     * A copied tensor's pages leave the process; those in the 64 KiB blocks holding its ends leave the page cache as
     * well, so that the kernel cannot map them back around a later fault on a neighbour, while the rest stays cached
     * for the next load; a released middle part leaves only the process; every byte still reads the same.
     */
    @Test
    void evictedTensorsLeaveThePageCacheOnlyWhereNeighboursFault(@TempDir Path dir) throws IOException {
        Path path = dir.resolve("weights.bin");
        byte[] bytes = new byte[8 << 20];
        new Random(3).nextBytes(bytes);
        Files.write(path, bytes);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE); Arena arena = Arena.ofConfined()) {
            channel.force(true); // clean pages: the kernel drops those at once
            MemorySegment file = channel.map(FileChannel.MapMode.READ_ONLY, 0, bytes.length, arena);
            file.load();
            // the ends 100 and 40,000 bytes into 64 KiB blocks of virtual addresses (fault-around's, see below)
            long page = 4096, block = 64 << 10, base = file.address();
            long from = (1 << 20) + Math.floorMod(100 - base, block), to = (5 << 20) + Math.floorMod(40_000 - base, block);
            MemorySegment tensor = file.asSlice(from, to - from);
            WeightMemory.evict(tensor, (1 << 20) - 100, 1 << 20); // a middle megabyte first: cached still
            if (LINUX) assertTrue(file.asSlice(5 << 19, 4096).isLoaded(), "a middle part stays in the page cache");
            WeightMemory.evict(tensor, 0, to - from);
            if (LINUX) {
                // fault-around maps the 64 KiB block of virtual addresses around a fault: the blocks holding the ends
                long head = ((base + from) & -block) + block - base, tail = ((base + to - 1) & -block) - base;
                long firstWhole = (base + from + page - 1 & -page) - base, lastWhole = (base + to & -page) - base;
                assertFalse(file.asSlice(firstWhole, head - firstWhole).isLoaded(), "the first block's whole pages are gone");
                assertFalse(file.asSlice(tail, lastWhole - tail).isLoaded(), "the last block's whole pages are gone");
                assertTrue(file.asSlice(head, tail - head).isLoaded(), "the pages between stay in the page cache for the next load");
                assertTrue(file.asSlice(firstWhole - page, page).isLoaded(), "the first page holds bytes before the tensor");
                assertTrue(file.asSlice(lastWhole, page).isLoaded(), "the last page holds bytes after it");
            }
            assertEquals(-1, file.mismatch(MemorySegment.ofArray(bytes)), "every byte reads back");
        }
    }

    /** Whether some mapping of this process, per /proc/self/maps, holds the address. */
    private static boolean mapped(long address) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] range = line.substring(0, line.indexOf(' ')).split("-");
            if (Long.compareUnsigned(address, Long.parseUnsignedLong(range[0], 16)) >= 0
                    && Long.compareUnsigned(address, Long.parseUnsignedLong(range[1], 16)) < 0) return true;
        }
        return false;
    }
}
