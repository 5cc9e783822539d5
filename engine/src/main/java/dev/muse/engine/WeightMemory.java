package dev.muse.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Native memory for the weight copies that loading lays out for generation ({@link MatrixLayout}): on Linux,
 * anonymous pages the kernel is asked to back with 2 MiB transparent huge pages, elsewhere the arena's own memory.
 *
 * <p>Why: generation streams every weight once per token, and with 4 KiB pages that is a TLB miss every 4 KiB (a
 * Llama-3.2-1B Q4_0 token crosses 170,000 pages). On this project's two-core VM a two-thread Q4_0 product over
 * 148 MB ran at 48-52 GB/s on huge pages against 42-47 GB/s on small ones (four interleaved runs). The advice must
 * come before the first touch: the kernel backs a page when it is first written, and an arena's allocation
 * zero-fills at once. With transparent huge pages set to "never", or no 2 MiB page free, the memory is the same,
 * on small pages. Set {@code -Dmuse.hugePages=false} to use the arena's memory everywhere (to compare). Activations
 * that every token reads in full the same way (Whisper's cross-attention keys and values) live here too.
 */
public final class WeightMemory {
    private static final long HUGE_PAGE = 2L << 20, SMALL_PAGE = 4096, FAULT_AROUND = 64 << 10;
    private static final int PROT_READ_WRITE = 0x1 | 0x2, MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20, MADV_HUGEPAGE = 14, MADV_PAGEOUT = 21;
    private static final MethodHandle MMAP, MADVISE, MUNMAP;

    static {
        MethodHandle mmap = null, madvise = null, munmap = null;
        if (Boolean.parseBoolean(System.getProperty("muse.hugePages", "true")) && System.getProperty("os.name", "").startsWith("Linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                var libc = linker.defaultLookup();
                mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
                madvise = linker.downcallHandle(libc.find("madvise").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
                munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
            } catch (RuntimeException | LinkageError e) {
                mmap = madvise = munmap = null; // no libc to call (or native access denied): the arena's memory it is
            }
        }
        MMAP = mmap;
        MADVISE = madvise;
        MUNMAP = munmap;
    }

    private WeightMemory() {}

    /**
     * Whether an allocation of that many bytes is a huge-page candidate: at least one huge page, on Linux (where
     * allocations map pages of their own), and not turned off.
     */
    public static boolean onHugePages(long bytes) { return MMAP != null && bytes >= HUGE_PAGE; }

    /**
     * bytes of zeroed native memory, 64-byte aligned, released when arena closes (an automatic arena: once
     * unreachable). Huge-page candidates start on a 2 MiB boundary.
     */
    public static MemorySegment allocate(long bytes, Arena arena) {
        if (!onHugePages(bytes)) return arena.allocate(bytes, 64);
        long mapped = bytes + HUGE_PAGE; // room to start the segment on a 2 MiB boundary; the slack is never touched
        MemorySegment raw;
        try {
            raw = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, mapped, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
        } catch (Throwable e) {
            throw new IllegalStateException("mmap failed", e);
        }
        long base = raw.address();
        if (base == -1L) return arena.allocate(bytes, 64); // MAP_FAILED: let the arena try, and fail in Java's words
        long start = base + (-base & (HUGE_PAGE - 1)), length = (bytes + SMALL_PAGE - 1) & -SMALL_PAGE;
        // The slack before and after goes back at once: past the end, the kernel would back the last partial 2 MiB
        // with a whole huge page (Whisper small's 4.7 MB MLP matrices took 6 MB each, 80 MB in all)
        unmap(base, start - base);
        unmap(start + length, base + mapped - start - length);
        MemorySegment aligned = MemorySegment.ofAddress(start);
        try {
            int ignored = (int) MADVISE.invokeExact(aligned, bytes, MADV_HUGEPAGE); // advice only: refused, small pages serve
        } catch (Throwable e) {
            unmap(start, length);
            throw new IllegalStateException("madvise failed", e);
        }
        // the cleanup holds numbers only: a reference to a segment would keep an automatic arena alive forever
        return aligned.reinterpret(bytes, arena, segment -> unmap(start, length));
    }

    /**
     * Takes the copied bytes [offset, offset + length) of a tensor's file mapping out of this process's memory. Their
     * whole pages are unmapped (the JDK's unload; the file stays in the page cache, for the next load), and those in
     * the 64 KiB blocks holding the tensor's ends leave the page cache too (MADV_PAGEOUT, Linux 5.4+, where no other
     * process maps them): on a fault the kernel maps the page-cache pages of the fault's 64 KiB block with it
     * (fault-around), so faults on the neighbouring tensors mapped the copied pages back (8 MiB of Whisper small's
     * copied matrices). A page shared with a neighbour stays.
     */
    public static void evict(MemorySegment tensor, long offset, long length) {
        long first = tensor.address(), last = first + tensor.byteSize() - 1;
        long start = (first + offset + SMALL_PAGE - 1) & -SMALL_PAGE, end = (first + offset + length) & -SMALL_PAGE;
        if (end <= start) return; // no whole page to give back
        long headBlockEnd = (first & -FAULT_AROUND) + FAULT_AROUND, tailBlock = last & -FAULT_AROUND;
        pageOut(start, Math.min(end, headBlockEnd));
        pageOut(Math.max(start, tailBlock), end);
        tensor.asSlice(start - first, end - start).unload();
    }

    /** MADV_PAGEOUT over whole pages [start, end), when there are any and the kernel takes the advice (else nothing). */
    private static void pageOut(long start, long end) {
        if (MADVISE == null || end <= start) return;
        try {
            int ignored = (int) MADVISE.invokeExact(MemorySegment.ofAddress(start), end - start, MADV_PAGEOUT);
        } catch (Throwable e) {
            // advice only: the pages are unmapped all the same
        }
    }

    private static void unmap(long base, long length) {
        if (length == 0) return;
        try {
            int ignored = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(base), length);
        } catch (Throwable e) {
            throw new IllegalStateException("munmap failed", e);
        }
    }
}
