package dev.muse.formats.safetensors;

import dev.muse.engine.WeightMemory;
import dev.muse.formats.MappedFile;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Tensor;
import dev.muse.formats.FormatException;
import dev.muse.formats.JsonValues;
import dev.muse.formats.Metadata;
import dev.muse.formats.TensorInfo;
import dev.muse.formats.TensorSource;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A safetensors file (Hugging Face's format, what diffusers and transformers save): an 8-byte little-endian header
 * length, a JSON header giving each tensor's dtype, shape and [begin, end) byte range in the data that follows, then
 * the data. Memory-mapped; every field is checked before anything is sized by it, with the rules of the format's own
 * reader (safetensors 0.4): a header of at most 100 MB, known dtypes, byte ranges that match their shapes and tile the
 * data exactly (no overlap, no gap, nothing left over), string values in {@code __metadata__}.
 *
 * <p>Shapes are given in ggml order ({@link TensorInfo}): a PyTorch [out, in] weight becomes {in, out}. F32, F16 and
 * BF16 tensors are weights Muse reads; tensors of other dtypes (int64 position ids, say) are checked like the rest and
 * named in a clear error if asked for. The {@code __metadata__} strings appear in {@link #metadata()} under
 * {@code safetensors.} + their key.
 */
public final class SafetensorsFile implements TensorSource {
    /** The format's own limit (safetensors' MAX_HEADER_SIZE). */
    static final long MAX_HEADER_BYTES = 100_000_000;
    /** Bytes per element of every dtype the format defines. */
    private static final Map<String, Integer> DTYPE_BYTES = Map.ofEntries(Map.entry("BOOL", 1), Map.entry("U8", 1),
            Map.entry("I8", 1), Map.entry("F8_E5M2", 1), Map.entry("F8_E4M3", 1), Map.entry("I16", 2), Map.entry("U16", 2),
            Map.entry("F16", 2), Map.entry("BF16", 2), Map.entry("I32", 4), Map.entry("U32", 4), Map.entry("F32", 4),
            Map.entry("F64", 8), Map.entry("I64", 8), Map.entry("U64", 8));
    private static final Map<String, GgmlType> WEIGHT_TYPES = Map.of("F32", GgmlType.F32, "F16", GgmlType.F16, "BF16", GgmlType.BF16);
    private static final int MAX_DIMENSIONS = 8;

    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final long dataStart;
    private final Metadata metadata = new Metadata();
    private final Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    /** Tensors of dtypes that are not weights: name -> dtype. */
    private final Map<String, String> others = new LinkedHashMap<>();

    private SafetensorsFile(Path path, Arena arena, MemorySegment file) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        String name = path.getFileName().toString();
        if (file.byteSize() < 8) throw new FormatException(name + " is not a safetensors file (shorter than its header length)");
        long headerBytes = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerBytes < 2 || headerBytes > MAX_HEADER_BYTES || headerBytes > file.byteSize() - 8) {
            throw new FormatException(name + ": a header of " + Long.toUnsignedString(headerBytes) + " bytes does not fit a file of "
                    + file.byteSize() + " bytes (at most " + MAX_HEADER_BYTES + ")");
        }
        dataStart = 8 + headerBytes;
        String header;
        try {
            ByteBuffer bytes = file.asSlice(8, headerBytes).asByteBuffer();
            header = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new FormatException(name + ": the header is not UTF-8", e);
        }
        if (!(JsonValues.parse(header, name + " header") instanceof Map<?, ?> entries)) {
            throw new FormatException(name + ": the header is not a JSON object");
        }
        readEntries(name, entries, file.byteSize() - dataStart);
    }

    /** Maps and checks the file; throws FormatException (bad content) or IOException (cannot read). */
    public static SafetensorsFile open(Path path) throws IOException {
        return MappedFile.open(path, (arena, file) -> new SafetensorsFile(path, arena, file));
    }

    private record Range(String name, long begin, long end) {}

    private void readEntries(String file, Map<?, ?> entries, long dataBytes) {
        List<Range> ranges = new ArrayList<>();
        for (Map.Entry<?, ?> entry : entries.entrySet()) {
            String tensor = (String) entry.getKey();
            if (tensor.equals("__metadata__")) {
                readMetadata(file, entry.getValue());
                continue;
            }
            String where = file + ": tensor " + printable(tensor);
            if (!(entry.getValue() instanceof Map<?, ?> fields)) throw new FormatException(where + " is not an object");
            if (!(fields.get("dtype") instanceof String dtype) || !DTYPE_BYTES.containsKey(dtype)) {
                throw new FormatException(where + " has no known dtype (" + printable(String.valueOf(fields.get("dtype"))) + ")");
            }
            long[] shape = longs(fields.get("shape"), where + " shape", MAX_DIMENSIONS);
            long[] offsets = longs(fields.get("data_offsets"), where + " data_offsets", 2);
            if (offsets.length != 2 || offsets[0] > offsets[1] || offsets[1] > dataBytes) {
                throw new FormatException(where + ": data_offsets " + java.util.Arrays.toString(offsets) + " do not lie in the "
                        + dataBytes + " bytes of data");
            }
            long elements = 1;
            try {
                for (long d : shape) elements = Math.multiplyExact(elements, d);
                if (Math.multiplyExact(elements, DTYPE_BYTES.get(dtype)) != offsets[1] - offsets[0]) {
                    throw new FormatException(where + ": " + elements + " elements of " + dtype + " do not fill bytes "
                            + offsets[0] + " to " + offsets[1]);
                }
            } catch (ArithmeticException e) {
                throw new FormatException(where + ": the shape " + java.util.Arrays.toString(shape) + " overflows", e);
            }
            ranges.add(new Range(tensor, offsets[0], offsets[1]));
            GgmlType type = WEIGHT_TYPES.get(dtype);
            if (type == null) {
                others.put(tensor, dtype);
                continue;
            }
            long[] ggmlOrder = new long[shape.length];
            for (int i = 0; i < shape.length; i++) ggmlOrder[i] = shape[shape.length - 1 - i];
            tensors.put(tensor, new TensorInfo(tensor, type, ggmlOrder, offsets[0]));
        }
        // as the format's own reader: the tensors tile the data, in some order, with nothing between or after them
        ranges.sort(Comparator.comparingLong(Range::begin).thenComparingLong(Range::end));
        long expected = 0;
        for (Range r : ranges) {
            if (r.begin() != expected) {
                throw new FormatException(file + ": tensor " + printable(r.name()) + " starts at byte " + r.begin() + " of the data where "
                        + expected + " was expected (tensors overlap or leave a gap)");
            }
            expected = r.end();
        }
        if (expected != dataBytes) {
            throw new FormatException(file + ": the tensors cover " + expected + " of the " + dataBytes + " data bytes");
        }
    }

    private void readMetadata(String file, Object value) {
        if (!(value instanceof Map<?, ?> entries)) throw new FormatException(file + ": __metadata__ is not an object");
        for (Map.Entry<?, ?> e : entries.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new FormatException(file + ": __metadata__ value of " + printable((String) e.getKey()) + " is not a string");
            }
            metadata.putString("safetensors." + e.getKey(), s);
        }
    }

    /** A JSON array of non-negative integers, at most {@code max} of them. */
    private static long[] longs(Object value, String what, int max) {
        if (!(value instanceof List<?> items) || items.size() > max) {
            throw new FormatException(what + " is not a list of at most " + max + " integers");
        }
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(items.get(i) instanceof Long n) || n < 0) throw new FormatException(what + " holds " + items.get(i) + ", not a count");
            out[i] = n;
        }
        return out;
    }

    /** Names and dtypes from the file as they may be printed: control characters escaped. */
    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().limit(200).forEach(c -> {
            if (Character.isISOControl(c)) sb.append(String.format("\\u%04x", c));
            else sb.appendCodePoint(c);
        });
        return sb.toString();
    }

    @Override public Path path() { return path; }

    @Override public long size() { return file.byteSize(); }

    @Override public Metadata metadata() { return metadata; }

    @Override public List<TensorInfo> tensors() { return List.copyOf(tensors.values()); }

    @Override public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t != null) return t;
        String dtype = others.get(name);
        if (dtype != null) {
            throw new FormatException(path.getFileName() + ": tensor " + printable(name) + " is " + dtype + ", which Muse does not read as weights");
        }
        throw new FormatException(path.getFileName() + " has no tensor " + printable(name));
    }

    @Override public boolean has(String name) { return tensors.containsKey(name); }

    @Override public Tensor tensor(String name) {
        TensorInfo t = info(name);
        return Tensor.of(t.type(), file.asSlice(dataStart + t.offset(), t.byteSize()), t.elements());
    }

    /** Drops pages of the tensor from this process's memory (they are read back from the file if touched again). */
    @Override public void release(String name, long offset, long length) {
        TensorInfo t = info(name);
        Objects.checkFromIndexSize(offset, length, t.byteSize());
        WeightMemory.evict(file.asSlice(dataStart + t.offset(), t.byteSize()), offset, length);
    }

    /** The arena of the file's mapping, closed with the file. */
    @Override public Arena memory() { return arena; }

    @Override public void close() { arena.close(); }
}
