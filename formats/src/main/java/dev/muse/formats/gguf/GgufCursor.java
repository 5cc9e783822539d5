package dev.muse.formats.gguf;

import dev.muse.formats.FormatException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A read position in a GGUF file that checks every read against the end of the file before it
 * happens, and every count against the bytes that could possibly hold it before anything is allocated
 * (a hostile header must not make us allocate what the file cannot contain).
 */
final class GgufCursor {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** No real key or token is anywhere near this long; it stops a corrupt length early with a clear message. */
    private static final long MAX_STRING = 64L << 20;

    private final MemorySegment file;
    private long position;

    GgufCursor(MemorySegment file, long position) {
        this.file = file;
        this.position = position;
    }

    long position() { return position; }

    long remaining() { return file.byteSize() - position; }

    private long take(long bytes, String what) {
        if (bytes < 0 || bytes > remaining())
            throw new FormatException("GGUF file is truncated: " + what + " needs " + bytes + " bytes at byte " + position
                    + " but only " + remaining() + " remain");
        long at = position;
        position += bytes;
        return at;
    }

    int u8() { return Byte.toUnsignedInt(file.get(ValueLayout.JAVA_BYTE, take(1, "a uint8"))); }
    int i8() { return file.get(ValueLayout.JAVA_BYTE, take(1, "an int8")); }
    int u16() { return Short.toUnsignedInt(file.get(SHORT, take(2, "a uint16"))); }
    int i16() { return file.get(SHORT, take(2, "an int16")); }
    int i32() { return file.get(INT, take(4, "an int32")); }
    long u32() { return Integer.toUnsignedLong(i32()); }
    long i64() { return file.get(LONG, take(8, "an int64")); }
    float f32() { return file.get(FLOAT, take(4, "a float32")); }
    double f64() { return file.get(DOUBLE, take(8, "a float64")); }

    boolean bool() {
        int v = u8();
        if (v > 1) throw new FormatException("GGUF bool at byte " + (position - 1) + " has value " + v);
        return v == 1;
    }

    /** A uint64 count or size that must be a non-negative Java long. */
    long u64(String what) {
        long v = i64();
        if (v < 0) throw new FormatException("GGUF " + what + " at byte " + (position - 8) + " is absurd: " + Long.toUnsignedString(v));
        return v;
    }

    String string(String what) {
        long length = u64(what + " length");
        if (length > MAX_STRING) throw new FormatException("GGUF " + what + " at byte " + (position - 8) + " claims " + length + " bytes");
        long at = take(length, what);
        byte[] bytes = file.asSlice(at, length).toArray(ValueLayout.JAVA_BYTE);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * A count of items, each at least {@code minItemSize} bytes, checked against what is left of the
     * file so that allocating an array of that many items is always safe.
     */
    int count(String what, long minItemSize) {
        long n = u64(what);
        if (minItemSize > 0 && n > remaining() / minItemSize)
            throw new FormatException("GGUF " + what + " " + n + " at byte " + (position - 8) + " cannot fit in the "
                    + remaining() + " bytes left in the file");
        if (n > Integer.MAX_VALUE - 8) throw new FormatException("GGUF " + what + " " + n + " is too large");
        return (int) n;
    }
}
