package dev.muse.models.nsfw;

import dev.muse.engine.F32Tensor;
import dev.muse.engine.Ops;
import dev.muse.formats.FormatException;
import dev.muse.formats.tfjs.TfjsModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ConvNet} from a TensorFlow.js layers model: Keras' functional {@code model_config}, layer by layer, with
 * each layer's weights named {@code layer/kernel}, {@code layer/bias}, {@code layer/gamma}, ... as tfjs saves them.
 * The layer kinds are those of Keras' MobileNetV2 and InceptionV3; any other is refused by name.
 */
final class KerasLayers {
    private final TfjsModel model;
    private final Ops ops;
    /** Layers that compute nothing (Flatten, Dropout) answer for their input. */
    private final Map<String, String> aliases = new HashMap<>();

    private KerasLayers(TfjsModel model, Ops ops) {
        this.model = model;
        this.ops = ops;
    }

    static ConvNet build(TfjsModel model, Ops ops) {
        return new KerasLayers(model, ops).build();
    }

    private ConvNet build() {
        Map<?, ?> config = map(map(model.topology(), "model_config"), "config");
        List<ConvNet.Step> steps = new ArrayList<>();
        String input = null;
        for (Object item : list(config, "layers")) {
            Map<?, ?> layer = (Map<?, ?>) item;
            String kind = text(layer, "class_name"), name = text(layer, "name");
            Map<?, ?> c = map(layer, "config");
            List<String> in = inbound(layer);
            switch (kind) {
                case "InputLayer" -> input = name;
                case "Flatten", "Dropout" -> aliases.put(name, in.getFirst());
                case "ZeroPadding2D" -> {
                    int[][] p = padding(c.get("padding"), name);
                    steps.add(new ConvNet.Pad(name, in.getFirst(), p[0][0], p[0][1], p[1][0], p[1][1]));
                }
                case "Conv2D" -> {
                    int k = square(c, "kernel_size", name), filters = integer(c, "filters", name);
                    TfjsModel.Weight w = weight(name + "/kernel");
                    requireShape(w, k, filters);
                    float[] kernel = w.values();
                    int channels = w.shape()[2];
                    requireUnit(c, "dilation_rate", name);
                    steps.add(new ConvNet.Conv(name, in.getFirst(), ConvNet.convolutionMatrix(ops, kernel, k, channels, filters),
                            tensor(bias(c, name, filters)), channels, filters, k, square(c, "strides", name), padding(c, name), activation(c, name)));
                }
                case "DepthwiseConv2D" -> {
                    if (integer(c, "depth_multiplier", name) != 1) throw new FormatException(name + ": a depth multiplier other than 1 is not supported");
                    requireUnit(c, "dilation_rate", name);
                    TfjsModel.Weight w = weight(name + "/depthwise_kernel");
                    requireShape(w, square(c, "kernel_size", name), 1);
                    steps.add(new ConvNet.Depthwise(name, in.getFirst(), w.values(), bias(c, name, w.shape()[2]), w.shape()[2],
                            square(c, "kernel_size", name), square(c, "strides", name), padding(c, name), activation(c, name)));
                }
                case "BatchNormalization" -> steps.add(batchNorm(name, in.getFirst(), c));
                case "ReLU" -> {
                    Object max = c.get("max_value");
                    if (number(c.get("negative_slope"), 0) != 0 || number(c.get("threshold"), 0) != 0 || max != null && number(max, 6) != 6)
                        throw new FormatException(name + ": only ReLU and ReLU6 are supported");
                    steps.add(new ConvNet.Activate(name, in.getFirst(), max == null ? ConvNet.Activation.RELU : ConvNet.Activation.RELU6));
                }
                case "Activation" -> steps.add(new ConvNet.Activate(name, in.getFirst(), activation(c, name)));
                case "Add" -> steps.add(new ConvNet.Add(name, in));
                case "Concatenate" -> {
                    long axis = (long) number(c.get("axis"), -1);
                    if (axis != -1 && axis != 3) throw new FormatException(name + ": only concatenation along the channels is supported");
                    steps.add(new ConvNet.Concat(name, in));
                }
                case "AveragePooling2D", "MaxPooling2D" -> {
                    int window = square(c, "pool_size", name); // Keras' strides default to the window
                    steps.add(new ConvNet.Pool(name, in.getFirst(), kind.startsWith("Max"), window,
                            c.get("strides") == null ? window : square(c, "strides", name), padding(c, name)));
                }
                case "Dense" -> {
                    TfjsModel.Weight w = weight(name + "/kernel");
                    int units = integer(c, "units", name);
                    if (w.shape().length != 2 || w.shape()[1] != units) throw new FormatException(w.name() + " should be [inputs, " + units + "]");
                    float[] b = bias(c, name, units);
                    steps.add(new ConvNet.Dense(name, in.getFirst(), ConvNet.denseMatrix(ops, w.values(), w.shape()[0], units), b,
                            w.shape()[0], units, activation(c, name)));
                }
                default -> throw new FormatException("the layer " + name + " is a " + kind + ", which Muse does not run");
            }
        }
        if (input == null) throw new FormatException("the layers model has no InputLayer");
        List<?> outputs = list(config, "output_layers");
        if (outputs.size() != 1 || !(outputs.getFirst() instanceof List<?> out) || !(out.getFirst() instanceof String output))
            throw new FormatException("the layers model should have one output, not " + outputs);
        return new ConvNet(input, aliases.getOrDefault(output, output), steps);
    }

    /** The layers a layer reads: its first call's inbound nodes, through any aliases. */
    private List<String> inbound(Map<?, ?> layer) {
        List<String> names = new ArrayList<>();
        List<?> calls = layer.get("inbound_nodes") instanceof List<?> l ? l : List.of();
        if (calls.isEmpty()) return names;
        for (Object node : (List<?>) calls.getFirst()) {
            if (!(node instanceof List<?> n) || !(n.getFirst() instanceof String from)) throw new FormatException("a layer's inbound node is " + node);
            names.add(aliases.getOrDefault(from, from));
        }
        return names;
    }

    private ConvNet.Step batchNorm(String name, String input, Map<?, ?> c) {
        long axis = (long) number(c.get("axis"), -1);
        if (axis != -1 && axis != 3) throw new FormatException(name + ": only batch norms over the channels are supported");
        float eps = (float) number(c.get("epsilon"), 1e-3);
        float[] mean = weight(name + "/moving_mean").values(), variance = weight(name + "/moving_variance").values();
        float[] gamma = Boolean.FALSE.equals(c.get("scale")) ? null : weight(name + "/gamma").values();
        float[] beta = Boolean.FALSE.equals(c.get("center")) ? null : weight(name + "/beta").values();
        float[] scale = new float[mean.length], shift = new float[mean.length];
        for (int i = 0; i < mean.length; i++) {
            scale[i] = (float) (1 / Math.sqrt(variance[i] + eps)) * (gamma == null ? 1 : gamma[i]);
            shift[i] = (beta == null ? 0 : beta[i]) - mean[i] * scale[i];
        }
        return new ConvNet.Affine(name, input, scale, shift);
    }

    /** A [k, k, in, out] kernel. */
    private static void requireShape(TfjsModel.Weight w, int k, int out) {
        int[] s = w.shape();
        if (s.length != 4 || s[0] != k || s[1] != k || s[3] != out)
            throw new FormatException(w.name() + " should be a [" + k + ", " + k + ", in, " + out + "] kernel, is " + java.util.Arrays.toString(s));
    }

    private float[] bias(Map<?, ?> c, String name, int units) {
        if (!Boolean.TRUE.equals(c.get("use_bias"))) return null;
        float[] b = weight(name + "/bias").values();
        if (b.length != units) throw new FormatException(name + "/bias has " + b.length + " values, not " + units);
        return b;
    }

    private static F32Tensor tensor(float[] values) {
        return values == null ? null : F32Tensor.ofFloats(values);
    }

    private TfjsModel.Weight weight(String name) {
        TfjsModel.Weight w = model.weights().get(name);
        if (w == null) throw new FormatException("the weight " + name + " is missing");
        return w;
    }

    static ConvNet.Activation activation(Map<?, ?> c, String name) {
        Object a = c.get("activation");
        return switch (a == null ? "linear" : a.toString()) {
            case "linear" -> ConvNet.Activation.LINEAR;
            case "relu" -> ConvNet.Activation.RELU;
            case "relu6" -> ConvNet.Activation.RELU6;
            case "softmax" -> ConvNet.Activation.SOFTMAX;
            default -> throw new FormatException(name + ": the activation " + a + " is not supported");
        };
    }

    private static ConvNet.Padding padding(Map<?, ?> c, String name) {
        return switch (String.valueOf(c.get("padding"))) {
            case "same" -> ConvNet.Padding.SAME;
            case "valid" -> ConvNet.Padding.VALID;
            default -> throw new FormatException(name + ": padding " + c.get("padding") + " is not supported");
        };
    }

    /** ZeroPadding2D's padding: n, [h, w] or [[top, bottom], [left, right]]. */
    private static int[][] padding(Object p, String name) {
        if (p instanceof Long n) return new int[][] {{n.intValue(), n.intValue()}, {n.intValue(), n.intValue()}};
        if (p instanceof List<?> l && l.size() == 2) {
            int[][] out = new int[2][2];
            for (int i = 0; i < 2; i++) {
                if (l.get(i) instanceof Long n) out[i] = new int[] {n.intValue(), n.intValue()};
                else if (l.get(i) instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof Long a && pair.get(1) instanceof Long b)
                    out[i] = new int[] {a.intValue(), b.intValue()};
                else throw new FormatException(name + ": padding " + p + " is not understood");
                if (out[i][0] < 0 || out[i][1] < 0 || out[i][0] > 64 || out[i][1] > 64) throw new FormatException(name + ": padding " + p + " is out of range");
            }
            return out;
        }
        throw new FormatException(name + ": padding " + p + " is not understood");
    }

    /** A square window or stride, [n, n]. */
    private static int square(Map<?, ?> c, String key, String name) {
        if (c.get(key) instanceof List<?> l && l.size() == 2 && l.get(0) instanceof Long a && a.equals(l.get(1)) && a >= 1 && a <= 64) return a.intValue();
        throw new FormatException(name + ": " + key + " " + c.get(key) + " is not a square of 1 to 64");
    }

    private static void requireUnit(Map<?, ?> c, String key, String name) {
        if (c.get(key) != null && square(c, key, name) != 1) throw new FormatException(name + ": dilation is not supported");
    }

    private static int integer(Map<?, ?> c, String key, String name) {
        if (c.get(key) instanceof Long n && n >= 1 && n <= 1 << 16) return n.intValue();
        throw new FormatException(name + ": " + key + " is " + c.get(key));
    }

    private static double number(Object value, double otherwise) {
        return value instanceof Number n ? n.doubleValue() : otherwise;
    }

    private static Map<?, ?> map(Map<?, ?> m, String key) {
        if (m.get(key) instanceof Map<?, ?> v) return v;
        throw new FormatException("the layers model lacks " + key);
    }

    private static List<?> list(Map<?, ?> m, String key) {
        if (m.get(key) instanceof List<?> v) return v;
        throw new FormatException("the layers model lacks " + key);
    }

    private static String text(Map<?, ?> m, String key) {
        if (m.get(key) instanceof String v) return v;
        throw new FormatException("a layer lacks its " + key);
    }
}
