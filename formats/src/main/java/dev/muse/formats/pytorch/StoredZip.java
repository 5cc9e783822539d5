package dev.muse.formats.pytorch;

import dev.muse.formats.FormatException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The entries of a ZIP archive whose files are stored, not compressed, as PyTorch writes its checkpoints (each entry
 * aligned so that it can be mapped in place): found through the end-of-central-directory record (ZIP64's too, for
 * files past 4 GB), each entry's name, size and where its bytes start. Every offset and size is checked against the
 * file before it is used (written so that no sum can overflow); a compressed or encrypted entry, or one without its
 * local header, is refused.
 */
final class StoredZip {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int END = 0x06054b50, END64 = 0x06064b50, LOCATOR64 = 0x07064b50, CENTRAL = 0x02014b50, LOCAL = 0x04034b50;
    /** Entries an archive may have: a checkpoint has a few per tensor. */
    static final int MAX_ENTRIES = 1_000_000;

    /** Where an entry's bytes are in the file. */
    record Entry(long offset, long size) {}

    private final String name;
    private final MemorySegment file;
    final Map<String, Entry> entries = new LinkedHashMap<>();

    StoredZip(String name, MemorySegment file) {
        this.name = name;
        this.file = file;
        long end = findEnd();
        long count = u16(end + 10), directorySize = u32(end + 12), directory = u32(end + 16);
        if (count == 0xFFFF || directorySize == 0xFFFFFFFFL || directory == 0xFFFFFFFFL) { // ZIP64
            long locator = end - 20;
            if (locator < 0 || u32(locator) != LOCATOR64) throw bad("a ZIP64 archive without its locator");
            long end64 = u64(locator + 8);
            if (!fits(end64, 56) || u32(end64) != END64) throw bad("a broken ZIP64 end record");
            count = u64(end64 + 32);
            directorySize = u64(end64 + 40);
            directory = u64(end64 + 48);
        }
        if (count < 0 || count > MAX_ENTRIES || !fits(directory, directorySize))
            throw bad("a central directory of " + count + " entries at " + directory + " does not fit the file");
        long at = directory;
        for (long i = 0; i < count; i++) {
            if (46 > directory + directorySize - at || u32(at) != CENTRAL) throw bad("entry " + i + " of the central directory is broken");
            int flags = u16(at + 8), method = u16(at + 10), nameLength = u16(at + 28), extraLength = u16(at + 30), commentLength = u16(at + 32);
            long compressed = u32(at + 20), size = u32(at + 24), local = u32(at + 42);
            if (46L + nameLength + extraLength + commentLength > directory + directorySize - at) throw bad("entry " + i + " runs past the directory");
            String entryName = new String(file.asSlice(at + 46, nameLength).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            long[] sizes = {size, compressed, local};
            zip64Sizes(at + 46 + nameLength, extraLength, sizes);
            size = sizes[0];
            compressed = sizes[1];
            local = sizes[2];
            if ((flags & 1) != 0) throw bad(entryName + " is encrypted");
            if (method != 0 || compressed != size) throw bad(entryName + " is compressed (method " + method + "): PyTorch stores its entries");
            if (!fits(local, 30) || u32(local) != LOCAL) throw bad(entryName + ": its local header is missing");
            long data = local + 30 + u16(local + 26) + u16(local + 28);
            if (!fits(data, size)) throw bad(entryName + ": " + size + " bytes at " + data + " run past the file");
            if (entries.put(entryName, new Entry(data, size)) != null) throw bad(entryName + " appears twice");
            at += 46 + nameLength + extraLength + commentLength;
        }
    }

    /** Replaces 0xFFFFFFFF sizes and offsets by the ZIP64 extra field's 8-byte values, in the order the format gives. */
    private void zip64Sizes(long extra, int length, long[] sizes) {
        for (long at = extra; at + 4 <= extra + length; ) {
            int id = u16(at), size = u16(at + 2);
            if (at + 4 + size > extra + length) throw bad("a broken extra field");
            if (id == 0x0001) {
                long field = at + 4;
                for (int k = 0; k < 3; k++) {
                    if (sizes[k] != 0xFFFFFFFFL) continue;
                    if (field + 8 > at + 4 + size) throw bad("a short ZIP64 extra field");
                    sizes[k] = u64(field);
                    field += 8;
                }
            }
            at += 4 + size;
        }
    }

    /** Whether {@code length} bytes from {@code offset} lie inside the file (no overflow whatever the values). */
    private boolean fits(long offset, long length) {
        return offset >= 0 && length >= 0 && offset <= file.byteSize() && length <= file.byteSize() - offset;
    }

    /** The end-of-central-directory record: within the last 64 KiB + 22 bytes (its comment comes after it). */
    private long findEnd() {
        long size = file.byteSize();
        for (long at = size - 22; at >= Math.max(0, size - 22 - 65535); at--) if (u32(at) == END) return at;
        throw bad("not a ZIP archive (no end of central directory)");
    }

    private long u32(long at) { return Integer.toUnsignedLong(file.get(INT, at)); }

    private int u16(long at) { return Short.toUnsignedInt(file.get(SHORT, at)); }

    private long u64(long at) { return file.get(LONG, at); }

    private FormatException bad(String why) {
        return new FormatException(name + ": " + why);
    }
}
