package dev.muse.models.nsfw;

import dev.muse.engine.ConvKernels;
import dev.muse.engine.F32Tensor;
import dev.muse.engine.Ops;
import dev.muse.engine.Tensor;
import dev.muse.formats.FormatException;
import java.lang.foreign.Arena;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A feed-forward image network as a TensorFlow.js file describes it (MobileNet- and Inception-style: convolutions,
 * depthwise convolutions, batch norms, pooling, residual adds, concatenations, dense layers), as steps in the order
 * they run, each naming the steps it reads. {@link KerasLayers} and {@link TfGraph} build it from the two kinds of
 * file; {@link #run} computes it with Muse's ops. Activations are channels-last ({@link ConvKernels}); a dense layer's
 * output is a 1x1 image of its units.
 */
final class ConvNet {
    /** An activation: height x width pixels of channels floats, channels-last. */
    record Feature(float[] data, int height, int width, int channels) {
        int size() { return height * width * channels; }
    }

    enum Activation { LINEAR, RELU, RELU6, SOFTMAX }

    /** TensorFlow's padding of a window: SAME (output = ceil(input / stride), the extra on the bottom and right) or VALID. */
    enum Padding {
        SAME, VALID;

        ConvKernels.Conv shape(Feature x, int outChannels, int kernel, int stride) {
            if (this == VALID) return new ConvKernels.Conv(x.height(), x.width(), x.channels(), outChannels, kernel, stride, 0, 0, 0, 0);
            int padH = Math.max((ceilDiv(x.height(), stride) - 1) * stride + kernel - x.height(), 0);
            int padW = Math.max((ceilDiv(x.width(), stride) - 1) * stride + kernel - x.width(), 0);
            return new ConvKernels.Conv(x.height(), x.width(), x.channels(), outChannels, kernel, stride, padH / 2, padW / 2, padH - padH / 2, padW - padW / 2);
        }

        private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }
    }

    /** One operation: its name, the steps it reads, and what it computes from their outputs. */
    sealed interface Step {
        String name();

        List<String> inputs();

        Feature apply(Ops ops, List<Feature> in);
    }

    /** A 2-D convolution, weight [out, kernel*kernel*in] in (ky, kx, channel) column order. */
    record Conv(String name, String input, Tensor weight, Tensor bias, int in, int out, int kernel, int stride, Padding padding,
                Activation activation) implements Step {
        public List<String> inputs() { return List.of(input); }

        public Feature apply(Ops ops, List<Feature> x) {
            Feature f = x.getFirst();
            if (f.channels() != in) throw new FormatException(name + " takes " + in + " channels, not " + f.channels());
            ConvKernels.Conv c = padding.shape(f, out, kernel, stride);
            float[] y = new float[c.outHeight() * c.outWidth() * out];
            ops.conv2d(c, weight, bias, f.data(), y);
            return activate(ops, activation, new Feature(y, c.outHeight(), c.outWidth(), out));
        }
    }

    /** A depthwise convolution (one kernel per channel), weight kernel*kernel rows of channels floats. */
    record Depthwise(String name, String input, float[] weight, float[] bias, int channels, int kernel, int stride, Padding padding,
                     Activation activation) implements Step {
        public List<String> inputs() { return List.of(input); }

        public Feature apply(Ops ops, List<Feature> x) {
            Feature f = x.getFirst();
            if (f.channels() != channels) throw new FormatException(name + " takes " + channels + " channels, not " + f.channels());
            ConvKernels.Conv c = padding.shape(f, channels, kernel, stride);
            float[] y = new float[c.outHeight() * c.outWidth() * channels];
            ops.depthwiseConv2d(c, weight, bias, f.data(), y);
            return activate(ops, activation, new Feature(y, c.outHeight(), c.outWidth(), channels));
        }
    }

    /** x * scale + shift per channel: an inference-time batch norm, or a constant scaling of the input (mul, sub). */
    record Affine(String name, String input, float[] scale, float[] shift) implements Step {
        public List<String> inputs() { return List.of(input); }

        public Feature apply(Ops ops, List<Feature> x) {
            Feature f = x.getFirst();
            float[] scales = scale, shifts = shift;
            if (scale.length == 1 && f.channels() != 1) { // a scalar: broadcast over the channels
                scales = new float[f.channels()];
                shifts = new float[f.channels()];
                java.util.Arrays.fill(scales, scale[0]);
                java.util.Arrays.fill(shifts, shift[0]);
            }
            if (scales.length != f.channels()) throw new FormatException(name + " has " + scale.length + " channels, its input " + f.channels());
            float[] y = new float[f.size()];
            ops.scaleShift(f.data(), f.height() * f.width(), f.channels(), scales, shifts, y);
            return new Feature(y, f.height(), f.width(), f.channels());
        }
    }

    record Activate(String name, String input, Activation activation) implements Step {
        public List<String> inputs() { return List.of(input); }

        public Feature apply(Ops ops, List<Feature> x) {
            Feature f = x.getFirst();
            return activate(ops, activation, new Feature(f.data().clone(), f.height(), f.width(), f.channels()));
        }
    }

    /** Zeros around the image (Keras' ZeroPadding2D, before a VALID convolution). */
    record Pad(String name, String input, int top, int bottom, int left, int right) implements Step {
        public List<String> inputs() { return List.of(input); }

        public Feature apply(Ops ops, List<Feature> x) {
            Feature f = x.getFirst();
            int h = f.height() + top + bottom, w = f.width() + left + right, c = f.channels();
            float[] y = new float[h * w * c];
            for (int row = 0; row < f.height(); row++)
                System.arraycopy(f.data(), row * f.width() * c, y, ((row + top) * w + left) * c, f.width() * c);
            return new Feature(y, h, w, c);
        }
    }

    record Pool(String name, String input, boolean max, int kernel, int stride, Padding padding) implements Step {
        public List<String> inputs() { return List.of(input); }

        public Feature apply(Ops ops, List<Feature> x) {
            Feature f = x.getFirst();
            ConvKernels.Conv c = padding.shape(f, f.channels(), kernel, stride);
            float[] y = new float[c.outHeight() * c.outWidth() * f.channels()];
            ops.pool2d(c, max, f.data(), y);
            return new Feature(y, c.outHeight(), c.outWidth(), f.channels());
        }
    }

    record Add(String name, List<String> inputs) implements Step {
        public Feature apply(Ops ops, List<Feature> x) {
            Feature a = x.get(0), b = x.get(1);
            if (a.size() != b.size()) throw new FormatException(name + " adds activations of different shapes");
            float[] y = new float[a.size()];
            ops.add(y, 0, a.data(), 0, b.data(), 0, y.length);
            return new Feature(y, a.height(), a.width(), a.channels());
        }
    }

    /** Inputs side by side along the channels. */
    record Concat(String name, List<String> inputs) implements Step {
        public Feature apply(Ops ops, List<Feature> x) {
            Feature first = x.getFirst();
            int pixels = first.height() * first.width(), channels = 0;
            for (Feature f : x) {
                if (f.height() != first.height() || f.width() != first.width()) throw new FormatException(name + " joins images of different sizes");
                channels += f.channels();
            }
            float[] y = new float[pixels * channels];
            int at = 0;
            for (Feature f : x) {
                for (int p = 0; p < pixels; p++) System.arraycopy(f.data(), p * f.channels(), y, p * channels + at, f.channels());
                at += f.channels();
            }
            return new Feature(y, first.height(), first.width(), channels);
        }
    }

    /** A dense layer over the whole activation flattened (height, width, channel order), weight [out, in]. */
    record Dense(String name, String input, Tensor weight, float[] bias, int in, int out, Activation activation) implements Step {
        public List<String> inputs() { return List.of(input); }

        public Feature apply(Ops ops, List<Feature> x) {
            Feature f = x.getFirst();
            if (f.size() != in) throw new FormatException(name + " takes " + in + " values, not " + f.size());
            float[] y = new float[out];
            ops.matmul(weight, f.data(), 1, y, out, in);
            if (bias != null) ops.add(y, 0, y, 0, bias, 0, out);
            return activate(ops, activation, new Feature(y, 1, 1, out));
        }
    }

    private static Feature activate(Ops ops, Activation a, Feature f) {
        switch (a) {
            case LINEAR -> {}
            case RELU -> ops.clamp(f.data(), 0, f.size(), 0f, Float.POSITIVE_INFINITY);
            case RELU6 -> ops.clamp(f.data(), 0, f.size(), 0f, 6f);
            case SOFTMAX -> {
                for (int p = 0; p < f.height() * f.width(); p++) ops.softmax(f.data(), p * f.channels(), f.channels());
            }
        }
        return f;
    }

    /** A [kh, kw, in, out] TensorFlow kernel as the [out, kh*kw*in] matrix {@link Ops#conv2d} takes. */
    static Tensor convolutionMatrix(Ops ops, float[] hwio, int kernel, int in, int out) {
        int patch = kernel * kernel * in;
        float[] m = new float[out * patch];
        for (int p = 0; p < kernel * kernel; p++)
            for (int c = 0; c < in; c++)
                for (int o = 0; o < out; o++) m[o * patch + p * in + c] = hwio[(p * in + c) * out + o];
        return ops.weight(F32Tensor.ofFloats(m), out, patch, Arena.ofAuto(), (offset, length) -> {});
    }

    /** An [in, out] dense kernel as the [out, in] matrix {@link Ops#matmul} takes. */
    static Tensor denseMatrix(Ops ops, float[] inOut, int in, int out) {
        float[] m = new float[out * in];
        for (int i = 0; i < in; i++)
            for (int o = 0; o < out; o++) m[o * in + i] = inOut[i * out + o];
        return ops.weight(F32Tensor.ofFloats(m), out, in, Arena.ofAuto(), (offset, length) -> {});
    }

    private final String input;
    private final String output;
    private final List<Step> steps;

    ConvNet(String input, String output, List<Step> steps) {
        this.input = input;
        this.output = output;
        this.steps = List.copyOf(steps);
        Map<String, Boolean> known = new HashMap<>(Map.of(input, true));
        for (Step s : steps) {
            for (String i : s.inputs()) if (!known.containsKey(i)) throw new FormatException(s.name() + " reads " + i + ", which no earlier step makes");
            if (known.put(s.name(), true) != null) throw new FormatException("two steps are named " + s.name());
        }
        if (!known.containsKey(output)) throw new FormatException("no step makes the output " + output);
    }

    /** The network's output for {@code image}; each activation is dropped once its last reader has run. */
    Feature run(Ops ops, Feature image) {
        Map<String, Integer> readers = new HashMap<>();
        for (Step s : steps) for (String i : s.inputs()) readers.merge(i, 1, Integer::sum);
        Map<String, Feature> values = new HashMap<>(Map.of(input, image));
        for (Step s : steps) {
            List<Feature> in = s.inputs().stream().map(values::get).toList();
            values.put(s.name(), s.apply(ops, in));
            for (String i : s.inputs()) if (readers.merge(i, -1, Integer::sum) == 0 && !i.equals(output)) values.remove(i);
        }
        return values.get(output);
    }

    int steps() { return steps.size(); }
}
