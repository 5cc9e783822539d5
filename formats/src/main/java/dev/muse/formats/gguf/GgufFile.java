package dev.muse.formats.gguf;

import dev.muse.engine.WeightMemory;
import dev.muse.formats.MappedFile;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Tensor;
import dev.muse.formats.GgufValueType;
import dev.muse.formats.FormatException;
import dev.muse.formats.Metadata;
import dev.muse.formats.TensorInfo;
import dev.muse.formats.TensorSource;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A GGUF (v2/v3) file mapped into memory. The header, metadata and tensor table are parsed eagerly and
 * validated against the file size; tensor data stays in the mapping and is handed out as zero-copy
 * {@link Tensor} views. Files larger than 2 GiB work (MemorySegment offsets are longs).
 */
public final class GgufFile implements TensorSource {
    static final int MAGIC = 0x46554747; // "GGUF" little-endian
    static final int DEFAULT_ALIGNMENT = 32;
    static final String ALIGNMENT_KEY = "general.alignment";
    /** ggml tensors have at most four dimensions. */
    static final int MAX_DIMS = 4;

    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    /**
     * The same memory as a plain native segment, which tensors are views of. Weights copied into engine memory
     * (ColumnBlockedTensor) are plain native segments, and a kernel C2 has compiled against both a mapped and a plain
     * segment class runs about three times slower than one that met a single class (measured on the Q8_0 dot).
     */
    private final MemorySegment weights;
    private final int version;
    private final Metadata metadata;
    private final Map<String, TensorInfo> tensors;
    private final long dataOffset;

    private GgufFile(Path path, Arena arena, MemorySegment file) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        this.weights = file.reinterpret(file.byteSize());
        GgufCursor in = new GgufCursor(file, 0);
        if (file.byteSize() < 4 || in.i32() != MAGIC) throw new FormatException(path + " is not a GGUF file (bad magic)");
        version = in.i32();
        if (version != 2 && version != 3) throw new FormatException(path + ": GGUF version " + version + " is not supported (2 and 3 are)");
        int tensorCount = in.count("tensor count", 8 + 4 + 4 + 8);
        int kvCount = in.count("metadata count", 8 + 4 + 1);
        metadata = new Metadata();
        for (int i = 0; i < kvCount; i++) readKeyValue(in);
        int alignment = metadata.getInt(ALIGNMENT_KEY, DEFAULT_ALIGNMENT);
        if (alignment <= 0 || Integer.bitCount(alignment) != 1 || alignment > (1 << 20))
            throw new FormatException(path + ": general.alignment " + alignment + " is not a sane power of two");
        List<TensorInfo> infos = new ArrayList<>(tensorCount);
        for (int i = 0; i < tensorCount; i++) infos.add(readTensorInfo(in));
        dataOffset = align(in.position(), alignment);
        if (dataOffset > file.byteSize() && tensorCount > 0) throw new FormatException(path + ": tensor data starts past the end of the file");
        long dataSize = file.byteSize() - Math.min(dataOffset, file.byteSize());
        Map<String, TensorInfo> byName = new LinkedHashMap<>();
        for (TensorInfo t : infos) {
            if (t.offset() % alignment != 0) throw new FormatException(path + ": tensor " + t.name() + " offset " + t.offset() + " is not aligned to " + alignment);
            if (t.offset() > dataSize || t.byteSize() > dataSize - t.offset())
                throw new FormatException(path + ": tensor " + t.name() + " (" + t.byteSize() + " bytes at data offset " + t.offset()
                        + ") runs past the end of the file");
            if (byName.put(t.name(), t) != null) throw new FormatException(path + ": tensor " + t.name() + " appears twice");
        }
        tensors = Collections.unmodifiableMap(byName);
    }

    /** Maps and parses the file; throws FormatException (bad content) or IOException (cannot read). */
    public static GgufFile open(Path path) throws IOException {
        return MappedFile.open(path, (arena, file) -> new GgufFile(path, arena, file));
    }

    static long align(long offset, int alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }

    private void readKeyValue(GgufCursor in) {
        long at = in.position();
        String key = in.string("metadata key");
        GgufValueType type = GgufValueType.ofId(in.i32(), at);
        if (type == GgufValueType.ARRAY) {
            GgufValueType elementType = GgufValueType.ofId(in.i32(), at);
            metadata.put(key, type, elementType, readArray(in, elementType, key));
        } else {
            metadata.put(key, type, null, readScalar(in, type));
        }
    }

    private static Object readScalar(GgufCursor in, GgufValueType type) {
        return switch (type) {
            case UINT8 -> in.u8();
            case INT8 -> in.i8();
            case UINT16 -> in.u16();
            case INT16 -> in.i16();
            case INT32 -> in.i32();
            case UINT32 -> {
                long v = in.u32();
                yield v <= Integer.MAX_VALUE ? (Object) (int) v : (Object) v;
            }
            case UINT64, INT64 -> in.i64();
            case FLOAT32 -> in.f32();
            case FLOAT64 -> in.f64();
            case BOOL -> in.bool();
            case STRING -> in.string("metadata string");
            case ARRAY -> throw new IllegalStateException("arrays are read by readArray");
        };
    }

    private static Object readArray(GgufCursor in, GgufValueType type, String key) {
        int n = in.count("length of array " + key, type.minimumSize());
        switch (type) {
            case UINT8, INT8, UINT16, INT16, INT32, UINT32 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    Object v = readScalar(in, type);
                    if (!(v instanceof Integer x)) throw new FormatException("array " + key + " holds " + v + ", beyond int range");
                    a[i] = x;
                }
                return a;
            }
            case UINT64, INT64 -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) a[i] = in.i64();
                return a;
            }
            case FLOAT32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) a[i] = in.f32();
                return a;
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) a[i] = in.f64();
                return a;
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) a[i] = in.bool();
                return a;
            }
            case STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) a[i] = in.string("element " + i + " of " + key);
                return a;
            }
            case ARRAY -> {
                Object[] a = new Object[n];
                for (int i = 0; i < n; i++) {
                    GgufValueType inner = GgufValueType.ofId(in.i32(), in.position());
                    a[i] = readArray(in, inner, key + "[" + i + "]");
                }
                return a;
            }
        }
        throw new IllegalStateException(type.toString());
    }

    private TensorInfo readTensorInfo(GgufCursor in) {
        String name = in.string("tensor name");
        long dims = in.u32();
        if (dims < 1 || dims > MAX_DIMS) throw new FormatException(path + ": tensor " + name + " has " + dims + " dimensions");
        long[] shape = new long[(int) dims];
        long elements = 1;
        for (int d = 0; d < dims; d++) {
            shape[d] = in.u64("dimension of tensor " + name);
            if (shape[d] == 0) throw new FormatException(path + ": tensor " + name + " has a zero dimension");
            try {
                elements = Math.multiplyExact(elements, shape[d]);
            } catch (ArithmeticException e) {
                throw new FormatException(path + ": tensor " + name + " has an absurd shape");
            }
        }
        GgmlType type;
        try {
            type = GgmlType.ofId(in.i32());
            if (shape[0] % type.blockSize != 0)
                throw new FormatException(path + ": tensor " + name + " row of " + shape[0] + " is not a whole number of " + type + " blocks");
            type.byteSize(elements);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new FormatException(path + ": tensor " + name + ": " + e.getMessage());
        }
        long offset = in.u64("offset of tensor " + name);
        return new TensorInfo(name, type, shape, offset);
    }

    @Override public Path path() { return path; }

    /** The file's size in bytes (all of it is mapped). */
    @Override public long size() { return file.byteSize(); }

    public int version() { return version; }

    /** Byte offset in the file where tensor data begins. */
    public long dataOffset() { return dataOffset; }

    public long fileSize() { return file.byteSize(); }

    @Override public Metadata metadata() { return metadata; }

    @Override public List<TensorInfo> tensors() { return List.copyOf(tensors.values()); }

    @Override public boolean has(String name) { return tensors.containsKey(name); }

    @Override public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) throw new FormatException(path.getFileName() + " has no tensor " + name);
        return t;
    }

    /** The tensor's raw bytes inside the mapping (zero-copy). */
    public MemorySegment bytes(String name) {
        TensorInfo t = info(name);
        return weights.asSlice(dataOffset + t.offset(), t.byteSize());
    }

    /** The arena of the file's mapping, closed with the file. */
    @Override public Arena memory() { return arena; }

    /** Drops pages of the tensor from this process's memory (they are read back from the file if touched again). */
    @Override public void release(String name, long offset, long length) {
        TensorInfo t = info(name);
        Objects.checkFromIndexSize(offset, length, t.byteSize());
        WeightMemory.evict(file.asSlice(dataOffset + t.offset(), t.byteSize()), offset, length);
    }

    @Override public Tensor tensor(String name) {
        TensorInfo t = info(name);
        try {
            return Tensor.of(t.type(), bytes(name), t.elements());
        } catch (IllegalArgumentException e) {
            throw new FormatException(path.getFileName() + ": tensor " + name + ": " + e.getMessage(), e);
        }
    }

    @Override public void close() {
        arena.close();
    }
}
