package dev.muse.formats.onnx;

import dev.muse.formats.FormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The float32 weights of an ONNX model, by name, read by hand from its protobuf: the graph's initialisers (by their
 * names) and the tensors of its Constant nodes (by the node's output), in subgraphs too (an If node's branches:
 * Silero VAD keeps every weight there). No
 * node runs: the model's own Java forward pass uses the weights. Every length is checked against the bytes that hold
 * it before anything is allocated, and nesting is bounded.
 */
public final class OnnxTensors {
    /** A float32 tensor: its shape (outermost first, as ONNX lists dims) and values in row-major order. */
    public record Floats(String name, long[] dims, float[] values) {}

    private static final int FLOAT = 1; // TensorProto.DataType.FLOAT
    private static final int MAX_DEPTH = 16;
    private final Map<String, Floats> tensors = new LinkedHashMap<>();
    /** Initialisers the exporter left unnamed (onnx::MatMul_N) by the module path of the MatMul node that reads them. */
    private final Map<String, String> linearWeights = new LinkedHashMap<>();

    private OnnxTensors() {}

    /** The float32 tensors of the ONNX file at {@code path}; a FormatException says what is wrong with it. */
    public static Map<String, Floats> read(Path path) throws IOException {
        return read(Files.readAllBytes(path), path.getFileName().toString());
    }

    /** The float32 tensors of an ONNX model's bytes ({@code name} says which model in errors). */
    public static Map<String, Floats> read(byte[] file, String name) {
        OnnxTensors reader = new OnnxTensors();
        try {
            Reader model = new Reader(file, 0, file.length);
            while (model.more()) {
                int field = model.tag();
                if (field == 7 && model.wire == 2) reader.graph(model.message(), 0); // ModelProto.graph
                else model.skip();
            }
        } catch (IndexOutOfBoundsException | ArithmeticException e) {
            throw new FormatException(name + " is not a valid ONNX model (damaged: " + e.getClass().getSimpleName() + ")");
        }
        if (reader.tensors.isEmpty()) throw new FormatException(name + " holds no float32 tensors: is it an ONNX model?");
        reader.nameLinearWeights();
        return reader.tensors;
    }

    /** GraphProto: nodes (1) and initialisers (5). */
    private void graph(Reader g, int depth) {
        if (depth > MAX_DEPTH) throw new FormatException("the ONNX model nests its graphs too deep");
        while (g.more()) {
            int field = g.tag();
            if (field == 1 && g.wire == 2) node(g.message(), depth);
            else if (field == 5 && g.wire == 2) tensor(g.message(), null); // an initialiser: named by its own name
            else g.skip();
        }
    }

    /**
     * NodeProto: a Constant's value (attribute "value") is named by its output; every GRAPH attribute is walked; a
     * MatMul's weight input is remembered with the node's module path ({@link #nameLinearWeights}).
     */
    private void node(Reader n, int depth) {
        String output = null, op = null, nodeName = null;
        java.util.List<String> inputs = new java.util.ArrayList<>();
        java.util.List<Reader> attributes = new java.util.ArrayList<>();
        while (n.more()) {
            int field = n.tag();
            if (field == 1 && n.wire == 2) inputs.add(n.string());
            else if (field == 2 && n.wire == 2 && output == null) output = n.string();
            else if (field == 3 && n.wire == 2) nodeName = n.string();
            else if (field == 4 && n.wire == 2) op = n.string();
            else if (field == 5 && n.wire == 2) attributes.add(n.message());
            else n.skip();
        }
        if ("MatMul".equals(op) && nodeName != null && nodeName.endsWith("/MatMul") && inputs.size() == 2 && inputs.get(1).startsWith("onnx::MatMul"))
            linearWeights.put(inputs.get(1), nodeName.substring(nodeName.startsWith("/") ? 1 : 0, nodeName.length() - "/MatMul".length()).replace('/', '.'));
        for (Reader a : attributes) {
            String name = null;
            Reader t = null, g = null;
            while (a.more()) {
                int field = a.tag();
                if (field == 1 && a.wire == 2) name = a.string();
                else if (field == 5 && a.wire == 2) t = a.message();
                else if (field == 6 && a.wire == 2) g = a.message();
                else if (field == 11 && a.wire == 2) graph(a.message(), depth + 1); // graphs: repeated
                else a.skip();
            }
            if (g != null) graph(g, depth + 1);
            if (t != null && "Constant".equals(op) && "value".equals(name)) tensor(t, output);
        }
    }

    /**
     * TensorProto: dims (1), data_type (2), float_data (4), name (8), raw_data (9). A Constant's tensor is named by
     * the node's output ({@code output}), which is unique in the graph; its own name may repeat across If branches.
     */
    private void tensor(Reader t, String output) {
        java.util.List<Long> dims = new java.util.ArrayList<>();
        int type = 0;
        String name = null;
        Reader raw = null, packed = null;
        while (t.more()) {
            int field = t.tag();
            if (field == 1 && t.wire == 0) dims.add(t.varint());
            else if (field == 1 && t.wire == 2) {
                Reader d = t.message();
                while (d.more()) dims.add(d.varint());
            } else if (field == 2 && t.wire == 0) type = (int) t.varint();
            else if (field == 4 && t.wire == 2) packed = t.message();
            else if (field == 8 && t.wire == 2) name = t.string();
            else if (field == 9 && t.wire == 2) raw = t.message();
            else t.skip();
        }
        if (type != FLOAT) return;
        if (output != null) name = output;
        if (name == null || name.isEmpty()) return;
        long count = 1;
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = dims.get(i);
            if (shape[i] < 0 || shape[i] > Integer.MAX_VALUE) throw new FormatException("tensor " + name + " has an impossible dimension");
            count = Math.multiplyExact(count, shape[i]);
        }
        Reader data = raw != null ? raw : packed;
        if (data == null || data.end - data.at != 4 * count)
            throw new FormatException("tensor " + name + " should hold " + count + " floats but holds " + (data == null ? 0 : (data.end - data.at) / 4));
        float[] values = new float[(int) count];
        ByteBuffer.wrap(data.b, data.at, data.end - data.at).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        tensors.put(name, new Floats(name, shape, values));
    }

    /**
     * PyTorch's exporter keeps a Linear layer's bias by its module name but hands its weight to a MatMul as an unnamed
     * initialiser (onnx::MatMul_N, stored [in, out]): each such weight is also given its module's name, as PyTorch has it
     * ({@code encoder.layer.0.attention.self.query.weight}, [out, in]), taken from the MatMul node's name.
     */
    private void nameLinearWeights() {
        for (Map.Entry<String, String> e : linearWeights.entrySet()) {
            Floats w = tensors.get(e.getKey());
            if (w == null || w.dims().length != 2) continue;
            int in = (int) w.dims()[0], out = (int) w.dims()[1];
            float[] t = new float[w.values().length];
            for (int i = 0; i < in; i++)
                for (int o = 0; o < out; o++) t[o * in + i] = w.values()[i * out + o];
            String name = e.getValue() + ".weight";
            tensors.putIfAbsent(name, new Floats(name, new long[] {out, in}, t));
        }
    }

    /** A protobuf message's bytes [at, end): tags, varints and length-delimited fields, each checked against end. */
    private static final class Reader {
        final byte[] b;
        int at;
        final int end;
        int wire;

        Reader(byte[] b, int at, int end) {
            this.b = b;
            this.at = at;
            this.end = end;
        }

        boolean more() { return at < end; }

        int tag() {
            long key = varint();
            wire = (int) (key & 7);
            return (int) (key >>> 3);
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (at >= end) throw new FormatException("the ONNX model is truncated inside a number");
                int x = b[at++] & 0xFF;
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) return v;
            }
            throw new FormatException("the ONNX model has a number over 64 bits");
        }

        Reader message() {
            long length = varint();
            if (length < 0 || length > end - at) throw new FormatException("the ONNX model has a field longer than what holds it");
            Reader r = new Reader(b, at, at + (int) length);
            at += (int) length;
            return r;
        }

        String string() {
            Reader r = message();
            return new String(b, r.at, r.end - r.at, StandardCharsets.UTF_8);
        }

        void skip() {
            switch (wire) {
                case 0 -> varint();
                case 1 -> advance(8);
                case 2 -> message();
                case 5 -> advance(4);
                default -> throw new FormatException("the ONNX model has a field of unknown wire type " + wire);
            }
        }

        private void advance(int n) {
            if (n > end - at) throw new FormatException("the ONNX model is truncated");
            at += n;
        }
    }
}
