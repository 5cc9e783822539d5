package dev.muse.formats.pytorch;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Tensor;
import dev.muse.engine.WeightMemory;
import dev.muse.formats.FormatException;
import dev.muse.formats.MappedFile;
import dev.muse.formats.Metadata;
import dev.muse.formats.TensorInfo;
import dev.muse.formats.TensorSource;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A PyTorch checkpoint as {@code torch.save} writes it (the zip format of PyTorch 1.6 and later: {@code .pth},
 * {@code .pt}, {@code .bin}), read without running anything: {@code data.pkl} through a pickle reader that builds only
 * dicts, lists, tuples, strings, numbers and tensors ({@link Unpickler}), each tensor a view of its storage entry,
 * which is mapped in place. Tensors are named by their path through nested dicts joined with dots ({@code bert.
 * module.embeddings.word_embeddings.weight}); a file that holds one tensor names it after the file. Tensors that are
 * not laid out row-major (a transposed view) are copied into order once, into memory that lives as long as the file.
 *
 * <p>Every storage reference is checked against its archive entry (that it exists and holds exactly its elements),
 * and every tensor's extent against its storage, before anything is read. Shapes are given in ggml order
 * ({@link TensorInfo}). The non-tensor values (a config dict, say) are in {@link #values()}.
 */
public final class TorchCheckpoint implements TensorSource {
    /** A storage: its element type, its entry in the archive, its element count. */
    record Storage(Dtype dtype, StoredZip.Entry entry, long elements) {}

    /** A tensor as the pickle describes it: a view of a storage. */
    record View(Storage storage, long offset, long[] size, long[] stride) {}

    /** Element types: the storage class names PyTorch pickles. */
    enum Dtype {
        FLOAT("FloatStorage", 4, GgmlType.F32, true), HALF("HalfStorage", 2, GgmlType.F16, true),
        BFLOAT16("BFloat16Storage", 2, GgmlType.BF16, true), DOUBLE("DoubleStorage", 8, GgmlType.F64, false),
        LONG("LongStorage", 8, GgmlType.I64, false), INT("IntStorage", 4, GgmlType.I32, false), SHORT("ShortStorage", 2, GgmlType.I16, false),
        CHAR("CharStorage", 1, GgmlType.I8, false), BYTE("ByteStorage", 1, GgmlType.I8, false), BOOL("BoolStorage", 1, GgmlType.I8, false);

        final String storage;
        final int bytes;
        final GgmlType type;     // as GGUF names it (bytes and booleans as I8)
        final boolean weight;    // a float type Muse computes with

        Dtype(String storage, int bytes, GgmlType type, boolean weight) {
            this.storage = storage;
            this.bytes = bytes;
            this.type = type;
            this.weight = weight;
        }
    }

    private static final int MAX_DIMENSIONS = 8;

    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final Object values;
    private final Map<String, TensorInfo> infos = new LinkedHashMap<>();
    private final Map<String, View> views = new LinkedHashMap<>();
    private final Map<String, Tensor> copied = new LinkedHashMap<>();

    private TorchCheckpoint(Path path, Arena arena, MemorySegment file) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        String name = path.getFileName().toString();
        StoredZip zip = new StoredZip(name, file);
        String pickle = zip.entries.keySet().stream().filter(e -> e.endsWith("/data.pkl") && e.indexOf('/') == e.length() - "/data.pkl".length())
                .findFirst().orElseThrow(() -> new FormatException(name + ": not a PyTorch checkpoint (no data.pkl)"));
        String archive = pickle.substring(0, pickle.length() - "data.pkl".length());
        StoredZip.Entry byteorder = zip.entries.get(archive + "byteorder");
        if (byteorder != null && !"little".equals(new String(slice(byteorder).toArray(ValueLayout.JAVA_BYTE)).strip()))
            throw new FormatException(name + ": a big-endian checkpoint");
        Unpickler unpickler = new Unpickler(name, slice(zip.entries.get(pickle)), Globals.TORCH, pid -> storage(name, zip, archive, pid));
        Object root = unpickler.load();
        String stem = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        this.values = collect(root instanceof View ? stem : "", root, 0);
    }

    /** Opens and checks the checkpoint at {@code path}. */
    public static TorchCheckpoint open(Path path) throws IOException {
        return MappedFile.open(path, (arena, file) -> new TorchCheckpoint(path, arena, file));
    }

    /** The pickled object with every tensor replaced by its name: configs and other plain values, as parsed JSON is. */
    public Object values() { return values; }

    /** BINPERSID's ('storage', storage class, key, location, element count), checked against the archive. */
    private Storage storage(String name, StoredZip zip, String archive, Object pid) {
        if (!(pid instanceof Unpickler.Tuple t) || t.items().size() != 5 || !"storage".equals(t.items().get(0))
                || !(t.items().get(1) instanceof Unpickler.Global type) || !(t.items().get(2) instanceof String key) || !(t.items().get(4) instanceof Long elements))
            throw new FormatException(name + ": a persistent id that is not a storage");
        Dtype dtype = java.util.Arrays.stream(Dtype.values()).filter(d -> d.storage.equals(type.name())).findFirst()
                .orElseThrow(() -> new FormatException(name + ": storage class " + type.name() + " is not one Muse reads"));
        StoredZip.Entry entry = zip.entries.get(archive + "data/" + key);
        if (entry == null) throw new FormatException(name + ": storage " + key + " has no entry in the archive");
        if (elements < 0 || elements > entry.size() || entry.size() != elements * dtype.bytes)
            throw new FormatException(name + ": storage " + key + " holds " + entry.size() + " bytes, not " + elements + " elements of " + dtype.bytes);
        return new Storage(dtype, entry, elements);
    }

    /** Deepest nesting of dicts, lists and tuples a checkpoint may have (a state dict is two or three deep). */
    private static final int MAX_DEPTH = 32;
    /** Values a checkpoint's object may hold, counted as visited: shared or self-holding lists cannot multiply them. */
    private static final int MAX_VALUES = 10_000_000;
    private int visited;

    /** Names the tensors under {@code prefix} and returns the value with tensors replaced by their names. */
    private Object collect(String prefix, Object value, int depth) {
        if (depth > MAX_DEPTH) throw new FormatException(path.getFileName() + ": values nested more than " + MAX_DEPTH + " deep (at " + prefix + ")");
        if (++visited > MAX_VALUES) throw new FormatException(path.getFileName() + ": more than " + MAX_VALUES + " values");
        switch (value) {
            case View v -> {
                check(prefix, v);
                if (views.containsKey(prefix)) throw new FormatException(path.getFileName() + ": two tensors are named " + prefix);
                views.put(prefix, v);
                infos.put(prefix, new TensorInfo(prefix, v.storage().dtype().type, ggmlShape(v.size()),
                        v.storage().entry().offset() + v.offset() * v.storage().dtype().bytes));
                return prefix;
            }
            case Map<?, ?> m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    String key = String.valueOf(e.getKey());
                    out.put(key, collect(prefix.isEmpty() ? key : prefix + "." + key, e.getValue(), depth + 1));
                }
                return out;
            }
            case List<?> l -> {
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < l.size(); i++) out.add(collect(prefix.isEmpty() ? String.valueOf(i) : prefix + "." + i, l.get(i), depth + 1));
                return out;
            }
            case Unpickler.Tuple t -> { return collect(prefix, t.items(), depth + 1); }
            case null, default -> { return value; }
        }
    }

    /**
     * The view's shape is sane, every element it reaches lies inside its storage, and it has no more elements than its
     * storage (so a broadcast or overlapping view cannot let a small file stand for a huge tensor).
     */
    private void check(String name, View v) {
        String where = path.getFileName() + ": " + name;
        if (v.size().length > MAX_DIMENSIONS || v.size().length != v.stride().length) throw new FormatException(where + " has a bad shape");
        long last = v.offset(), elements = 1;
        try {
            for (int d = 0; d < v.size().length; d++) {
                if (v.size()[d] < 0 || v.stride()[d] < 0) throw new FormatException(where + " has a negative size or stride");
                elements = Math.multiplyExact(elements, v.size()[d]);
                if (v.size()[d] > 0) last = Math.addExact(last, Math.multiplyExact(v.size()[d] - 1, v.stride()[d]));
            }
        } catch (ArithmeticException e) {
            throw new FormatException(where + " has sizes or strides past any file");
        }
        if (elements > v.storage().elements()) throw new FormatException(where + " has " + elements + " elements, more than its storage's " + v.storage().elements());
        if (v.offset() < 0 || v.offset() > v.storage().elements()) throw new FormatException(where + " starts outside its storage");
        if (elements > 0 && last >= v.storage().elements())
            throw new FormatException(where + " reaches element " + last + " of a storage of " + v.storage().elements());
    }

    private static long[] ggmlShape(long[] size) {
        long[] shape = new long[Math.max(1, size.length)];
        shape[0] = 1;
        for (int i = 0; i < size.length; i++) shape[i] = size[size.length - 1 - i];
        return shape;
    }

    private static boolean rowMajor(View v) {
        long expected = 1;
        for (int d = v.size().length - 1; d >= 0; d--) {
            if (v.size()[d] != 1 && v.stride()[d] != expected) return false;
            expected *= v.size()[d];
        }
        return true;
    }

    private MemorySegment slice(StoredZip.Entry e) {
        return file.asSlice(e.offset(), e.size());
    }

    @Override public Path path() { return path; }

    @Override public long size() { return file.byteSize(); }

    @Override public Metadata metadata() { return new Metadata(); }

    @Override public List<TensorInfo> tensors() { return List.copyOf(infos.values()); }

    @Override public TensorInfo info(String name) {
        TensorInfo info = infos.get(name);
        if (info == null) throw new FormatException(path.getFileName() + " has no tensor " + name);
        return info;
    }

    @Override public boolean has(String name) { return infos.containsKey(name); }

    /** The tensor, a view of the mapped file when it is row-major, else a copy put in order; only float weights. */
    @Override public synchronized Tensor tensor(String name) {
        TensorInfo info = info(name);
        View v = views.get(name);
        Dtype dtype = v.storage().dtype();
        if (!dtype.weight) throw new FormatException(path.getFileName() + ": " + name + " holds " + dtype.name().toLowerCase() + " values, not weights");
        long elements = info.elements(), bytes = elements * dtype.bytes;
        if (rowMajor(v)) return Tensor.of(dtype.type, file.asSlice(info.offset(), bytes), elements);
        Tensor done = copied.get(name);
        if (done != null) return done;
        MemorySegment out = arena.allocate(bytes, 64), storage = slice(v.storage().entry());
        long[] index = new long[v.size().length];
        for (long i = 0; i < elements; i++) {
            long source = v.offset();
            for (int d = 0; d < index.length; d++) source += index[d] * v.stride()[d];
            MemorySegment.copy(storage, source * dtype.bytes, out, i * dtype.bytes, dtype.bytes);
            for (int d = index.length - 1; d >= 0 && ++index[d] == v.size()[d]; d--) index[d] = 0;
        }
        Tensor tensor = Tensor.of(dtype.type, out, elements);
        copied.put(name, tensor);
        return tensor;
    }

    /**
     * Drops a tensor's pages from this process's memory once the model has copied them (they are read back from the
     * file if touched again); a tensor that was put in order is a copy already, and its storage may be shared.
     */
    @Override public void release(String name, long offset, long length) {
        TensorInfo info = info(name);
        View v = views.get(name);
        long bytes = info.elements() * v.storage().dtype().bytes;
        java.util.Objects.checkFromIndexSize(offset, length, bytes);
        if (rowMajor(v)) WeightMemory.evict(file.asSlice(info.offset(), bytes), offset, length);
    }

    /** Every element of a tensor of any dtype as a double (integers, booleans too): for configs kept as tensors and for tests. */
    public double[] doubles(String name) {
        View v = views.get(name);
        if (v == null) throw new FormatException(path.getFileName() + " has no tensor " + name);
        Dtype dtype = v.storage().dtype();
        MemorySegment storage = slice(v.storage().entry());
        long elements = info(name).elements();
        if (elements > Integer.MAX_VALUE) throw new FormatException(name + " is too large to read as doubles");
        double[] out = new double[(int) elements];
        long[] index = new long[v.size().length];
        for (int i = 0; i < out.length; i++) {
            long source = v.offset();
            for (int d = 0; d < index.length; d++) source += index[d] * v.stride()[d];
            out[i] = Elements.read(dtype, storage, source);
            for (int d = index.length - 1; d >= 0 && ++index[d] == v.size()[d]; d--) index[d] = 0;
        }
        return out;
    }

    @Override public Arena memory() { return arena; }

    @Override public void close() { arena.close(); }
}
