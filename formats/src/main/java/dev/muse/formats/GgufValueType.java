package dev.muse.formats;

/** GGUF metadata value types, with their ids and fixed sizes (0 for variable-size string/array). */
public enum GgufValueType {
    UINT8(1), INT8(1), UINT16(2), INT16(2), UINT32(4), INT32(4), FLOAT32(4), BOOL(1), STRING(0), ARRAY(0),
    UINT64(8), INT64(8), FLOAT64(8);

    private static final GgufValueType[] VALUES = values();

    /** Bytes per value, or 0 when the size is not fixed. */
    public final int size;

    GgufValueType(int size) {
        this.size = size;
    }

    public int id() { return ordinal(); }

    /** The type with GGUF id {@code id}; a FormatException naming the byte {@code position} of the file for an unknown one. */
    public static GgufValueType ofId(int id, long position) {
        if (id < 0 || id >= VALUES.length) throw new FormatException("unknown GGUF value type " + id + " at byte " + position);
        return VALUES[id];
    }

    /** The smallest number of bytes one value of this type occupies (strings: the 8-byte length). */
    public long minimumSize() {
        return switch (this) {
            case STRING -> 8;
            case ARRAY -> 12;
            default -> size;
        };
    }
}
