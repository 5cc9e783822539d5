package dev.muse.formats.ggml;

import dev.muse.engine.WeightMemory;
import dev.muse.formats.MappedFile;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Tensor;
import dev.muse.formats.FormatException;
import dev.muse.formats.Metadata;
import dev.muse.formats.TensorInfo;
import dev.muse.formats.TensorSource;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whisper.cpp model file ({@code ggml-*.bin}, the legacy unversioned ggml format) mapped into memory, read
 * unchanged: the magic {@code "ggml"}, eleven int32 hyper-parameters, the mel filter bank, the vocabulary, then
 * tensor records (dimension count, name length, type, dimensions, name, data) until the end of the file, with no
 * alignment. Tensor data stays in the mapping and is handed out as zero-copy views.
 *
 * <p>The hyper-parameters go into {@link #metadata()} under GGUF-style keys ({@value #ARCH}{@code .audio.*},
 * {@code .text.*}), so a model reads them as it reads a GGUF file's. Vocabulary entries are raw bytes (a piece
 * of a UTF-8 character, sometimes); they are kept as ISO-8859-1 strings, one char per byte, under
 * {@value #TOKENS}, so nothing is lost.
 */
public final class WhisperGgmlFile implements TensorSource {
    /** "ggml" as a little-endian uint32. */
    public static final int MAGIC = 0x67676d6c;
    public static final String ARCH = "whisper";
    public static final String TOKENS = "whisper.tokens";
    public static final String MEL_FILTERS = "whisper.mel_filters";
    public static final String MEL_FILTER_COUNT = "whisper.mel_filters.count";
    public static final String FFT_BINS = "whisper.mel_filters.fft_bins";
    /** The hyper-parameters in file order, as metadata keys. */
    public static final List<String> HYPER_PARAMETERS = List.of("whisper.vocab_size", "whisper.audio.context_length",
            "whisper.audio.embedding_length", "whisper.audio.head_count", "whisper.audio.block_count",
            "whisper.text.context_length", "whisper.text.embedding_length", "whisper.text.head_count",
            "whisper.text.block_count", "whisper.audio.mel_count", "whisper.file_type");
    /** whisper.cpp's quantiser adds the quantisation version times this to the file type. */
    static final int QUANTISATION_VERSION_FACTOR = 1000;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Far above any real value (large-v3: 51866 tokens, 1500 audio positions, 1280 wide, 32 layers). */
    private static final int MAX_HYPER_PARAMETER = 1 << 20;

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapped; // the mapping itself, whose pages release() can drop
    private final MemorySegment file; // the same memory as a plain segment, which tensors are views of (see GgufFile)
    private final Metadata metadata = new Metadata();
    private final Map<String, TensorInfo> tensors;
    private long position;

    private WhisperGgmlFile(Path path, Arena arena, MemorySegment file) {
        this.path = path;
        this.arena = arena;
        this.mapped = file;
        this.file = file.reinterpret(file.byteSize());
        if (file.byteSize() < 4 || i32("the magic") != MAGIC) {
            throw new FormatException(path.getFileName() + " is not a whisper.cpp ggml model (bad magic)");
        }
        metadata.putString("general.architecture", ARCH);
        for (String key : HYPER_PARAMETERS) {
            int v = i32(key);
            if (v < 0 || v > MAX_HYPER_PARAMETER) {
                throw new FormatException(path.getFileName() + ": " + key + " = " + v + " is not a plausible value");
            }
            metadata.putInt32(key, key.equals("whisper.file_type") ? v % QUANTISATION_VERSION_FACTOR : v);
        }
        readFilters();
        readVocabulary();
        tensors = readTensors();
    }

    /** Maps and parses the file; throws FormatException (bad content) or IOException (cannot read). */
    public static WhisperGgmlFile open(Path path) throws IOException {
        return MappedFile.open(path, (arena, file) -> new WhisperGgmlFile(path, arena, file));
    }

    private void readFilters() {
        int count = i32("the mel filter count");
        int bins = i32("the mel filter length");
        long floats = (long) count * bins;
        if (count < 1 || bins < 1 || count > 1024 || bins > 1 << 16 || floats * 4 > remaining()) {
            throw new FormatException(path.getFileName() + ": a mel filter bank of " + count + " x " + bins
                    + " does not fit the file");
        }
        float[] filters = new float[(int) floats];
        for (int i = 0; i < filters.length; i++) {
            filters[i] = file.get(FLOAT, take(4, "the mel filters"));
        }
        metadata.putInt32(MEL_FILTER_COUNT, count).putInt32(FFT_BINS, bins).putFloats(MEL_FILTERS, filters);
    }

    private void readVocabulary() {
        int count = i32("the vocabulary size");
        if (count < 0 || count > remaining() / 4) {
            throw new FormatException(path.getFileName() + ": a vocabulary of " + count + " tokens does not fit the file");
        }
        String[] tokens = new String[count];
        for (int i = 0; i < count; i++) {
            int length = i32("the length of token " + i);
            if (length < 0 || length > 1 << 16) {
                throw new FormatException(path.getFileName() + ": token " + i + " claims " + length + " bytes");
            }
            byte[] bytes = file.asSlice(take(length, "token " + i), length).toArray(ValueLayout.JAVA_BYTE);
            tokens[i] = new String(bytes, StandardCharsets.ISO_8859_1);
        }
        metadata.putStrings(TOKENS, tokens);
    }

    private Map<String, TensorInfo> readTensors() {
        Map<String, TensorInfo> byName = new LinkedHashMap<>();
        while (remaining() > 0) {
            int dims = i32("a tensor's dimension count");
            int nameLength = i32("a tensor's name length");
            int typeId = i32("a tensor's type");
            if (dims < 1 || dims > 4 || nameLength < 1 || nameLength > 256) {
                throw new FormatException(path.getFileName() + ": a tensor record at byte " + (position - 12)
                        + " claims " + dims + " dimensions and a " + nameLength + "-byte name");
            }
            long[] shape = new long[dims];
            long elements = 1;
            for (int d = 0; d < dims; d++) {
                shape[d] = i32("a tensor dimension");
                if (shape[d] < 1) {
                    throw new FormatException(path.getFileName() + ": a tensor at byte " + position
                            + " has dimension " + shape[d]);
                }
                elements *= shape[d]; // four factors under 2^31 each can overflow: checked by byteSize below
            }
            byte[] nameBytes = file.asSlice(take(nameLength, "a tensor name"), nameLength).toArray(ValueLayout.JAVA_BYTE);
            String name = printable(new String(nameBytes, StandardCharsets.UTF_8));
            long bytes;
            GgmlType type;
            try {
                type = GgmlType.ofId(typeId);
                if (shape[0] % type.blockSize != 0) {
                    throw new FormatException(path.getFileName() + ": tensor " + name + " row of " + shape[0]
                            + " is not a whole number of " + type + " blocks");
                }
                long checked = 1;
                for (long d : shape) {
                    checked = Math.multiplyExact(checked, d);
                }
                bytes = type.byteSize(checked);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new FormatException(path.getFileName() + ": tensor " + name + ": " + e.getMessage());
            }
            long offset = take(bytes, "the data of tensor " + name);
            if (byName.put(name, new TensorInfo(name, type, shape, offset)) != null) {
                throw new FormatException(path.getFileName() + ": tensor " + name + " appears twice");
            }
        }
        return Collections.unmodifiableMap(byName);
    }

    /** Control characters and the like shown as \\uXXXX, so a crafted name cannot drive a terminal. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || !Character.isDefined(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    private long remaining() {
        return file.byteSize() - position;
    }

    private long take(long bytes, String what) {
        if (bytes < 0 || bytes > remaining()) {
            throw new FormatException(path.getFileName() + " is truncated: " + what + " needs " + bytes
                    + " bytes at byte " + position + " but only " + remaining() + " remain");
        }
        long at = position;
        position += bytes;
        return at;
    }

    private int i32(String what) {
        return file.get(INT, take(4, what));
    }

    @Override public Path path() { return path; }

    @Override public long size() { return file.byteSize(); }

    @Override public Metadata metadata() { return metadata; }

    @Override public List<TensorInfo> tensors() { return new ArrayList<>(tensors.values()); }

    @Override public boolean has(String name) { return tensors.containsKey(name); }

    @Override public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) throw new FormatException(path.getFileName() + " has no tensor " + name);
        return t;
    }

    @Override public Tensor tensor(String name) {
        TensorInfo t = info(name);
        try {
            return Tensor.of(t.type(), file.asSlice(t.offset(), t.byteSize()), t.elements());
        } catch (IllegalArgumentException e) {
            throw new FormatException(path.getFileName() + ": tensor " + name + ": " + e.getMessage(), e);
        }
    }

    @Override public void release(String name, long offset, long length) {
        TensorInfo t = info(name);
        java.util.Objects.checkFromIndexSize(offset, length, t.byteSize());
        WeightMemory.evict(mapped.asSlice(t.offset(), t.byteSize()), offset, length);
    }

    /** The arena of the file's mapping, closed with the file. */
    @Override public Arena memory() { return arena; }

    @Override public void close() {
        arena.close();
    }
}
