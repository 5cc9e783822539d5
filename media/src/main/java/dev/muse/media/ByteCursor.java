package dev.muse.media;

/**
 * Reads unsigned integers from a window of a byte array, checking every read against the window first, so a
 * header that lies about its lengths ends in a {@link MediaException} rather than an out-of-bounds read.
 */
final class ByteCursor {
    private final byte[] data;
    private final int start;
    private final int end;
    private final String what;
    private boolean bigEndian;
    private int position;

    /** A cursor over {@code data[start, start + length)}; {@code what} names the structure in error messages. */
    ByteCursor(byte[] data, int start, int length, boolean bigEndian, String what) {
        if (start < 0 || length < 0 || start > data.length - length) {
            throw new MediaException("the " + what + " is truncated");
        }
        this.data = data;
        this.start = start;
        this.end = start + length;
        this.bigEndian = bigEndian;
        this.what = what;
        this.position = start;
    }

    void bigEndian(boolean bigEndian) {
        this.bigEndian = bigEndian;
    }

    /** Offset from the window's start. */
    int position() {
        return position - start;
    }

    /** Moves to {@code offset} from the window's start, which must lie inside it (or at its end). */
    void seek(long offset) {
        if (offset < 0 || offset > end - start) {
            throw new MediaException(what + " points outside itself (offset " + offset + " of " + (end - start) + ")");
        }
        position = start + (int) offset;
    }

    int remaining() {
        return end - position;
    }

    void skip(long n) {
        require(n);
        position += (int) n;
    }

    int u8() {
        require(1);
        return data[position++] & 0xFF;
    }

    int u16() {
        require(2);
        int a = data[position] & 0xFF, b = data[position + 1] & 0xFF;
        position += 2;
        return bigEndian ? (a << 8) | b : (b << 8) | a;
    }

    int u24() {
        require(3);
        int a = data[position] & 0xFF, b = data[position + 1] & 0xFF, c = data[position + 2] & 0xFF;
        position += 3;
        return bigEndian ? (a << 16) | (b << 8) | c : (c << 16) | (b << 8) | a;
    }

    long u32() {
        require(4);
        long first = u16();
        long second = u16();
        return bigEndian ? (first << 16) | second : (second << 16) | first;
    }

    /** True (and consumed) when the next bytes are exactly {@code ascii}. */
    boolean match(String ascii) {
        if (remaining() < ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if ((data[position + i] & 0xFF) != ascii.charAt(i)) {
                return false;
            }
        }
        position += ascii.length();
        return true;
    }

    private void require(long n) {
        if (n < 0 || n > end - position) {
            throw new MediaException("the " + what + " is truncated");
        }
    }
}
