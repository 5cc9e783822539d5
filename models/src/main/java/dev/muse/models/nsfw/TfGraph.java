package dev.muse.models.nsfw;

import dev.muse.engine.F32Tensor;
import dev.muse.engine.Ops;
import dev.muse.formats.FormatException;
import dev.muse.formats.tfjs.TfjsModel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link ConvNet} from a TensorFlow.js graph model: the frozen TensorFlow graph's nodes (the converter's fused
 * convolutions with their bias and ReLU6, depthwise convolutions, adds, pooling, the final matmul and softmax), weights
 * as {@code Const} nodes named in the manifest. Attribute strings are base64, as the converter writes them. Ops outside
 * this set are refused by name.
 */
final class TfGraph {
    private final TfjsModel model;
    private final Ops ops;
    private final Map<String, String> aliases = new HashMap<>();

    private TfGraph(TfjsModel model, Ops ops) {
        this.model = model;
        this.ops = ops;
    }

    static ConvNet build(TfjsModel model, Ops ops) {
        return new TfGraph(model, ops).build();
    }

    private ConvNet build() {
        List<ConvNet.Step> steps = new ArrayList<>();
        Set<String> read = new HashSet<>();
        List<String> made = new ArrayList<>();
        String input = null;
        for (Object item : (List<?>) model.topology().get("node")) {
            if (!(item instanceof Map<?, ?> node) || !(node.get("name") instanceof String name) || !(node.get("op") instanceof String op))
                throw new FormatException("a graph node lacks its name or op");
            Map<?, ?> attr = node.get("attr") instanceof Map<?, ?> a ? a : Map.of();
            List<String> in = new ArrayList<>();
            if (node.get("input") instanceof List<?> l) for (Object i : l) in.add(aliases.getOrDefault(String.valueOf(i), String.valueOf(i)));
            switch (op) {
                case "Const" -> {
                    continue; // its value is the manifest's weight of the same name, looked up by the ops that read it
                }
                case "Placeholder" -> {
                    if (input != null) throw new FormatException("the graph has more than one input");
                    input = name;
                    continue;
                }
                case "Identity", "Squeeze" -> {
                    aliases.put(name, in.getFirst());
                    continue;
                }
                case "Mul", "Sub" -> steps.add(scalar(name, op, in));
                case "_FusedConv2D" -> {
                    TfjsModel.Weight w = weight(in.get(1));
                    requireShape(w, 4, name);
                    int k = square(w, name), channels = w.shape()[2], filters = w.shape()[3];
                    steps.add(new ConvNet.Conv(name, in.getFirst(), ConvNet.convolutionMatrix(ops, w.values(), k, channels, filters),
                            F32Tensor.ofFloats(fusedBias(attr, in, filters, name)), channels, filters, k, stride(attr, name), padding(attr, name), fused(attr, name)));
                }
                case "FusedDepthwiseConv2dNative" -> {
                    TfjsModel.Weight w = weight(in.get(1));
                    requireShape(w, 4, name);
                    if (w.shape()[3] != 1) throw new FormatException(name + ": a depth multiplier other than 1 is not supported");
                    int k = square(w, name), channels = w.shape()[2];
                    steps.add(new ConvNet.Depthwise(name, in.getFirst(), w.values(), fusedBias(attr, in, channels, name), channels, k,
                            stride(attr, name), padding(attr, name), fused(attr, name)));
                }
                case "AddV2", "Add" -> steps.add(new ConvNet.Add(name, in));
                case "AvgPool", "MaxPool" -> {
                    List<Long> ksize = ints(attr, "ksize", name);
                    if (ksize.size() != 4 || !ksize.get(1).equals(ksize.get(2)) || ksize.get(1) < 1 || ksize.get(1) > 64)
                        throw new FormatException(name + ": ksize " + ksize + " is not a square window");
                    steps.add(new ConvNet.Pool(name, in.getFirst(), op.equals("MaxPool"), ksize.get(1).intValue(), stride(attr, name), padding(attr, name)));
                }
                case "_FusedMatMul" -> {
                    if (flag(attr, "transpose_a") || flag(attr, "transpose_b")) throw new FormatException(name + ": transposed matmuls are not supported");
                    TfjsModel.Weight w = weight(in.get(1));
                    requireShape(w, 2, name);
                    int units = w.shape()[1];
                    steps.add(new ConvNet.Dense(name, in.getFirst(), ConvNet.denseMatrix(ops, w.values(), w.shape()[0], units),
                            fusedBias(attr, in, units, name), w.shape()[0], units, fused(attr, name)));
                }
                case "Softmax" -> steps.add(new ConvNet.Activate(name, in.getFirst(), ConvNet.Activation.SOFTMAX));
                case "Relu" -> steps.add(new ConvNet.Activate(name, in.getFirst(), ConvNet.Activation.RELU));
                case "Relu6" -> steps.add(new ConvNet.Activate(name, in.getFirst(), ConvNet.Activation.RELU6));
                default -> throw new FormatException("the graph node " + name + " is a " + op + ", which Muse does not run");
            }
            made.add(name);
            for (String i : steps.getLast().inputs()) read.add(i);
        }
        if (input == null) throw new FormatException("the graph has no Placeholder input");
        List<String> outputs = made.stream().filter(n -> !read.contains(n)).toList();
        if (outputs.size() != 1) throw new FormatException("the graph should have one output, not " + outputs);
        return new ConvNet(input, outputs.getFirst(), steps);
    }

    /** x * c or x - c for a scalar constant c (an input scaling such as TF Hub's x * 2 - 1). */
    private ConvNet.Step scalar(String name, String op, List<String> in) {
        int constant = model.weights().containsKey(in.get(0)) ? 0 : 1;
        float[] c = weight(in.get(constant)).values();
        if (c.length != 1 || op.equals("Sub") && constant == 0) throw new FormatException(name + ": only a tensor " + op + " a scalar is supported");
        String x = in.get(1 - constant);
        return op.equals("Mul") ? new ConvNet.Affine(name, x, c, new float[] {0}) : new ConvNet.Affine(name, x, new float[] {1}, new float[] {-c[0]});
    }

    /** The bias a fused op adds (its third input): fused_ops must begin with BiasAdd. */
    private float[] fusedBias(Map<?, ?> attr, List<String> in, int units, String name) {
        List<String> fused = strings(attr, "fused_ops", name);
        if (fused.isEmpty() || !fused.getFirst().equals("BiasAdd") || in.size() < 3) throw new FormatException(name + ": fused ops " + fused + " are not supported");
        float[] bias = weight(in.get(2)).values();
        if (bias.length != units) throw new FormatException(name + ": its bias has " + bias.length + " values, not " + units);
        return bias;
    }

    /** The activation after the bias: none, Relu or Relu6. */
    private static ConvNet.Activation fused(Map<?, ?> attr, String name) {
        List<String> fused = strings(attr, "fused_ops", name);
        if (fused.size() == 1) return ConvNet.Activation.LINEAR;
        if (fused.size() == 2 && fused.get(1).equals("Relu")) return ConvNet.Activation.RELU;
        if (fused.size() == 2 && fused.get(1).equals("Relu6")) return ConvNet.Activation.RELU6;
        throw new FormatException(name + ": fused ops " + fused + " are not supported");
    }

    private static int stride(Map<?, ?> attr, String name) {
        List<Long> s = ints(attr, "strides", name);
        if (s.size() != 4 || !s.get(1).equals(s.get(2)) || s.get(1) < 1 || s.get(1) > 64) throw new FormatException(name + ": strides " + s + " are not supported");
        if (attr.get("dilations") != null && ints(attr, "dilations", name).stream().anyMatch(d -> d != 1)) throw new FormatException(name + ": dilation is not supported");
        return s.get(1).intValue();
    }

    private static ConvNet.Padding padding(Map<?, ?> attr, String name) {
        String format = attr.get("data_format") == null ? "NHWC" : string(attr.get("data_format"), name);
        if (!format.equals("NHWC")) throw new FormatException(name + ": data format " + format + " is not supported");
        return switch (string(attr.get("padding"), name)) {
            case "SAME" -> ConvNet.Padding.SAME;
            case "VALID" -> ConvNet.Padding.VALID;
            case String p -> throw new FormatException(name + ": padding " + p + " is not supported");
        };
    }

    private TfjsModel.Weight weight(String name) {
        TfjsModel.Weight w = model.weights().get(name);
        if (w == null) throw new FormatException("the constant " + name + " is not in the weights");
        return w;
    }

    private static void requireShape(TfjsModel.Weight w, int dims, String name) {
        if (w.shape().length != dims) throw new FormatException(name + ": " + w.name() + " has " + w.shape().length + " dimensions, not " + dims);
    }

    private static int square(TfjsModel.Weight w, String name) {
        if (w.shape()[0] != w.shape()[1] || w.shape()[0] < 1 || w.shape()[0] > 64) throw new FormatException(name + ": its kernel is not square");
        return w.shape()[0];
    }

    private static boolean flag(Map<?, ?> attr, String key) {
        return attr.get(key) instanceof Map<?, ?> v && Boolean.TRUE.equals(v.get("b"));
    }

    /** An attribute's list of integers, which the converter writes as decimal strings. */
    private static List<Long> ints(Map<?, ?> attr, String key, String name) {
        if (!(attr.get(key) instanceof Map<?, ?> v) || !(v.get("list") instanceof Map<?, ?> l) || !(l.get("i") instanceof List<?> items))
            throw new FormatException(name + " lacks " + key);
        List<Long> out = new ArrayList<>();
        for (Object i : items) {
            try {
                out.add(Long.parseLong(String.valueOf(i)));
            } catch (NumberFormatException e) {
                throw new FormatException(name + ": " + key + " holds " + i);
            }
        }
        return out;
    }

    private static List<String> strings(Map<?, ?> attr, String key, String name) {
        if (!(attr.get(key) instanceof Map<?, ?> v) || !(v.get("list") instanceof Map<?, ?> l)) return List.of();
        List<String> out = new ArrayList<>();
        if (l.get("s") instanceof List<?> items) for (Object s : items) out.add(decode(s, name));
        return out;
    }

    private static String string(Object attr, String name) {
        if (!(attr instanceof Map<?, ?> v)) throw new FormatException(name + " lacks a string attribute");
        return decode(v.get("s"), name);
    }

    private static String decode(Object base64, String name) {
        try {
            return new String(Base64.getDecoder().decode(String.valueOf(base64)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new FormatException(name + ": an attribute is not base64");
        }
    }
}
