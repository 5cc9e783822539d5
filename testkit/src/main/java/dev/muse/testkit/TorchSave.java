package dev.muse.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Writes a PyTorch checkpoint as {@code torch.save} does (PyTorch 1.6+ zip format: {@code archive/data.pkl}, one
 * uncompressed {@code archive/data/N} entry per storage aligned to 64 bytes, {@code byteorder}, {@code version}), so
 * that random-weight test models can be read both by Muse and by {@code torch.load(..., weights_only=True)}. The root
 * is a tensor or a dict; a dict's values are tensors or dicts. {@link #stateDict} marks a dict pickled as
 * {@code collections.OrderedDict}, as a module's state_dict is; other dicts are plain.
 */
public final class TorchSave {
    /** A row-major tensor: its storage class (FloatStorage, LongStorage), PyTorch shape, and little-endian bytes. */
    public record Tensor(String storage, long[] shape, byte[] data) {
        public static Tensor floats(float[] values, long... shape) {
            ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) b.putFloat(v);
            return new Tensor("FloatStorage", shape, b.array());
        }

        public static Tensor longs(long[] values, long... shape) {
            ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (long v : values) b.putLong(v);
            return new Tensor("LongStorage", shape, b.array());
        }
    }

    /** A dict pickled as collections.OrderedDict (a state_dict). */
    public record StateDict(Map<String, ?> entries) {}

    public static StateDict stateDict(Map<String, ?> entries) { return new StateDict(entries); }

    private static final String ARCHIVE = "archive/";
    private static final int ALIGN = 64;

    private final ByteArrayOutputStream pickle = new ByteArrayOutputStream();
    private final List<Tensor> storages = new ArrayList<>();

    private TorchSave() {}

    /** Writes {@code root} (a Tensor, a Map or a StateDict) to {@code file}. */
    public static void write(Path file, Object root) throws IOException {
        TorchSave save = new TorchSave();
        save.pickle.write(new byte[] {(byte) 0x80, 2});
        save.value(root);
        save.pickle.write('.');
        try (OutputStream out = Files.newOutputStream(file)) {
            new Zip(out).write(save.pickle.toByteArray(), save.storages);
        }
    }

    private void value(Object v) {
        switch (v) {
            case Tensor t -> tensor(t);
            case StateDict d -> {
                global("collections", "OrderedDict");
                pickle.write(')');
                pickle.write('R');
                items(d.entries());
            }
            case Map<?, ?> m -> {
                pickle.write('}');
                items(m);
            }
            default -> throw new IllegalArgumentException("a checkpoint holds tensors and dicts, not " + v.getClass().getSimpleName());
        }
    }

    private void items(Map<?, ?> entries) {
        if (entries.isEmpty()) return;
        pickle.write('(');
        for (var e : entries.entrySet()) {
            text((String) e.getKey());
            value(e.getValue());
        }
        pickle.write('u');
    }

    /** torch._utils._rebuild_tensor_v2(storage, offset 0, size, stride, requires_grad False, OrderedDict()) */
    private void tensor(Tensor t) {
        long elements = 1;
        for (long d : t.shape()) elements *= d;
        int width = t.storage().equals("LongStorage") ? 8 : 4;
        if (elements * width != t.data().length) throw new IllegalArgumentException("a tensor of " + elements + " elements has " + t.data().length + " bytes");
        global("torch._utils", "_rebuild_tensor_v2");
        pickle.write('(');
        pickle.write('(');
        text("storage");
        global("torch", t.storage());
        text(Integer.toString(storages.size()));
        text("cpu");
        integer(elements);
        pickle.write('t');
        pickle.write('Q');
        storages.add(t);
        integer(0);
        pickle.write('(');
        for (long d : t.shape()) integer(d);
        pickle.write('t');
        pickle.write('(');
        long stride = 1;
        long[] strides = new long[t.shape().length];
        for (int i = strides.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= t.shape()[i];
        }
        for (long s : strides) integer(s);
        pickle.write('t');
        pickle.write(0x89);
        global("collections", "OrderedDict");
        pickle.write(')');
        pickle.write('R');
        pickle.write('t');
        pickle.write('R');
    }

    private void global(String module, String name) {
        pickle.write('c');
        pickle.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private void text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        pickle.write('X');
        pickle.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        pickle.writeBytes(b);
    }

    private void integer(long v) {
        if (v != (int) v) throw new IllegalArgumentException(v + " does not fit a pickled int32");
        pickle.write('J');
        pickle.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
    }

    /** A zip of stored entries (no ZIP64: test checkpoints stay below 4 GiB), each entry's data aligned to 64 bytes. */
    private static final class Zip {
        private record Written(byte[] name, long crc, long size, long offset) {}

        private final OutputStream out;
        private final List<Written> entries = new ArrayList<>();
        private long position;

        Zip(OutputStream out) { this.out = out; }

        void write(byte[] pickle, List<Tensor> storages) throws IOException {
            entry(ARCHIVE + "data.pkl", pickle);
            entry(ARCHIVE + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < storages.size(); i++) entry(ARCHIVE + "data/" + i, storages.get(i).data());
            entry(ARCHIVE + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
            long central = position;
            for (Written e : entries) {
                ByteBuffer h = header(46 + e.name().length);
                h.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) 0).putInt(0)
                        .putInt((int) e.crc()).putInt((int) e.size()).putInt((int) e.size()).putShort((short) e.name().length)
                        .putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) e.offset())
                        .put(e.name());
                emit(h.array());
            }
            ByteBuffer end = header(22);
            end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries.size()).putShort((short) entries.size())
                    .putInt((int) (position - central)).putInt((int) central).putShort((short) 0);
            emit(end.array());
        }

        private void entry(String name, byte[] data) throws IOException {
            if (position + data.length > 0xFFFF_FFFFL - (1 << 20)) throw new IOException("a test checkpoint over 4 GiB needs ZIP64");
            byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            long start = position + 30 + nameBytes.length + 4;
            int padding = (int) ((ALIGN - start % ALIGN) % ALIGN);
            CRC32 crc = new CRC32();
            crc.update(data);
            ByteBuffer h = header(30 + nameBytes.length + 4 + padding);
            h.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) crc.getValue())
                    .putInt(data.length).putInt(data.length).putShort((short) nameBytes.length).putShort((short) (4 + padding)).put(nameBytes)
                    .putShort((short) 0x4246).putShort((short) padding); // an extra field of padding, as PyTorch's writer adds ("FB")
            entries.add(new Written(nameBytes, crc.getValue(), data.length, position));
            emit(h.array());
            emit(data);
        }

        private static ByteBuffer header(int size) { return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN); }

        private void emit(byte[] bytes) throws IOException {
            out.write(bytes);
            position += bytes.length;
        }
    }
}
