package dev.muse.formats.pytorch;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** One element of a little-endian storage, of any dtype, as a double. */
final class Elements {
    private Elements() {}

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static double read(TorchCheckpoint.Dtype dtype, MemorySegment storage, long index) {
        long at = index * dtype.bytes;
        return switch (dtype) {
            case FLOAT -> storage.get(FLOAT, at);
            case HALF -> Float.float16ToFloat(storage.get(SHORT, at));
            case BFLOAT16 -> Float.intBitsToFloat(Short.toUnsignedInt(storage.get(SHORT, at)) << 16);
            case DOUBLE -> storage.get(DOUBLE, at);
            case LONG -> storage.get(LONG, at);
            case INT -> storage.get(INT, at);
            case SHORT -> storage.get(SHORT, at);
            case CHAR -> storage.get(ValueLayout.JAVA_BYTE, at);
            case BYTE -> Byte.toUnsignedInt(storage.get(ValueLayout.JAVA_BYTE, at));
            case BOOL -> storage.get(ValueLayout.JAVA_BYTE, at) != 0 ? 1 : 0;
        };
    }
}
