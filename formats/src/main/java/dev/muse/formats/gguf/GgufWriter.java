package dev.muse.formats.gguf;

import dev.muse.engine.GgmlType;
import dev.muse.formats.GgufValueType;
import dev.muse.formats.Metadata;
import dev.muse.formats.TensorInfo;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Writes GGUF v3. Tensor bytes are produced one tensor at a time by a supplier while writing, so a
 * multi-gigabyte file never has to sit on the heap. The file appears atomically (written beside the
 * target, then moved), so an interrupted write never leaves a half file under the real name.
 */
public final class GgufWriter {
    /** Writes one tensor's bytes in order; may produce them piece by piece so no tensor is ever whole on the heap. */
    @FunctionalInterface
    public interface TensorData {
        void writeTo(OutputStream out) throws IOException;
    }

    private record Entry(TensorInfo info, TensorData data) {}

    private final Metadata metadata;
    private final int alignment;
    private final List<Entry> tensors = new ArrayList<>();
    private long nextOffset;

    public GgufWriter(Metadata metadata) {
        this.metadata = metadata;
        this.alignment = metadata.getInt(GgufFile.ALIGNMENT_KEY, GgufFile.DEFAULT_ALIGNMENT);
    }

    /** Adds a tensor (shape in ggml order, innermost first); data must supply exactly its byte size. */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, Supplier<byte[]> data) {
        return addTensor(name, type, shape, (TensorData) out -> out.write(data.get()));
    }

    /** Adds a tensor whose bytes are streamed when the file is written. */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, TensorData data) {
        TensorInfo info = new TensorInfo(name, type, shape, nextOffset);
        nextOffset = GgufFile.align(nextOffset + info.byteSize(), alignment);
        tensors.add(new Entry(info, data));
        return this;
    }

    public void write(Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = Files.createTempFile(parent, "." + target.getFileName(), ".partial");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 20)) {
                LittleEndianOut le = new LittleEndianOut(out);
                le.i32(GgufFile.MAGIC);
                le.i32(3);
                le.i64(tensors.size());
                le.i64(metadata.keys().size());
                for (String key : metadata.keys()) writeKeyValue(le, key);
                for (Entry e : tensors) writeTensorInfo(le, e.info());
                le.pad(alignment);
                for (Entry e : tensors) {
                    long before = le.written;
                    e.data().writeTo(le.counting());
                    if (le.written - before != e.info().byteSize())
                        throw new IllegalArgumentException("tensor " + e.info().name() + " data is " + (le.written - before)
                                + " bytes, expected " + e.info().byteSize());
                    le.pad(alignment);
                }
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private void writeKeyValue(LittleEndianOut le, String key) throws IOException {
        le.string(key);
        GgufValueType type = metadata.type(key);
        le.i32(type.id());
        Object value = metadata.get(key);
        if (type == GgufValueType.ARRAY) writeArray(le, metadata.elementType(key), value);
        else writeScalar(le, type, value);
    }

    private static void writeArray(LittleEndianOut le, GgufValueType elementType, Object array) throws IOException {
        le.i32(elementType.id());
        switch (array) {
            case int[] a -> { le.i64(a.length); for (int v : a) writeScalar(le, elementType, v); }
            case long[] a -> { le.i64(a.length); for (long v : a) writeScalar(le, elementType, v); }
            case float[] a -> { le.i64(a.length); for (float v : a) writeScalar(le, elementType, v); }
            case double[] a -> { le.i64(a.length); for (double v : a) writeScalar(le, elementType, v); }
            case boolean[] a -> { le.i64(a.length); for (boolean v : a) writeScalar(le, elementType, v); }
            case String[] a -> { le.i64(a.length); for (String v : a) le.string(v); }
            default -> throw new IllegalArgumentException("cannot write array of " + array.getClass().getSimpleName());
        }
    }

    private static void writeScalar(LittleEndianOut le, GgufValueType type, Object value) throws IOException {
        switch (type) {
            case UINT8, INT8, BOOL -> le.i8(value instanceof Boolean b ? (b ? 1 : 0) : ((Number) value).intValue());
            case UINT16, INT16 -> le.i16(((Number) value).intValue());
            case UINT32, INT32 -> le.i32((int) ((Number) value).longValue());
            case UINT64, INT64 -> le.i64(((Number) value).longValue());
            case FLOAT32 -> le.i32(Float.floatToRawIntBits(((Number) value).floatValue()));
            case FLOAT64 -> le.i64(Double.doubleToRawLongBits(((Number) value).doubleValue()));
            case STRING -> le.string((String) value);
            case ARRAY -> throw new IllegalArgumentException("nested arrays are written by writeArray");
        }
    }

    private static void writeTensorInfo(LittleEndianOut le, TensorInfo info) throws IOException {
        le.string(info.name());
        le.i32(info.dimensions());
        for (long d : info.shape()) le.i64(d);
        le.i32(info.type().id);
        le.i64(info.offset());
    }

    /** Little-endian primitives over a stream, counting bytes for alignment padding. */
    private static final class LittleEndianOut {
        final OutputStream out;
        long written;

        LittleEndianOut(OutputStream out) { this.out = out; }

        void i8(int v) throws IOException { out.write(v); written++; }

        void i16(int v) throws IOException { out.write(v); out.write(v >>> 8); written += 2; }

        void i32(int v) throws IOException {
            out.write(v); out.write(v >>> 8); out.write(v >>> 16); out.write(v >>> 24);
            written += 4;
        }

        void i64(long v) throws IOException { i32((int) v); i32((int) (v >>> 32)); }

        void bytes(byte[] b) throws IOException { out.write(b); written += b.length; }

        /** A view of this stream that keeps the byte count, for tensor data written by callers. */
        OutputStream counting() {
            return new OutputStream() {
                @Override public void write(int b) throws IOException { i8(b); }

                @Override public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    written += len;
                }
            };
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i64(b.length);
            bytes(b);
        }

        void pad(int alignment) throws IOException {
            long padding = GgufFile.align(written, alignment) - written;
            for (long i = 0; i < padding; i++) out.write(0);
            written += padding;
        }
    }
}
