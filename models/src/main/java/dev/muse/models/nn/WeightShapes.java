package dev.muse.models.nn;

import dev.muse.engine.F32Tensor;
import dev.muse.engine.GgmlType;
import dev.muse.engine.Ops;
import dev.muse.engine.Tensor;
import dev.muse.formats.FormatException;
import dev.muse.formats.TensorSource;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Fetches a model's tensors by GGUF name, checking each shape before the forward pass relies on it; weight
 * matrices come back in the layout the backend ({@code ops}) multiplies fastest.
 */
public record WeightShapes(TensorSource source, Ops ops) {
    /** A weight the forward pass multiplies by as a [rows, cols] matrix (ggml shape {cols, rows}). */
    public Tensor matrix(String name, int rows, int cols) {
        var info = source.info(name);
        if (info.dim(0) != cols || info.dim(1) != rows || info.dimensions() > 2)
            throw new FormatException("tensor " + name + " should be [" + rows + " x " + cols + "] but is " + info);
        // a copy takes the place of the file's pages in memory rather than adding to them
        return ops.weight(source.tensor(name), rows, cols, source.memory(), (offset, length) -> source.release(name, offset, length));
    }

    /**
     * A PyTorch Conv2d kernel [out, in, k, k] as the [out, k*k*in] matrix {@link Ops#conv2d} multiplies channels-last
     * patches by: its columns permuted once to (ky, kx, channel) order, in the file's type (F32 or F16, so exactly).
     */
    public Tensor convolution(String name, int out, int in, int k) {
        var info = source.info(name);
        if (info.dimensions() != 4 || info.dim(0) != k || info.dim(1) != k || info.dim(2) != in || info.dim(3) != out)
            throw new FormatException("tensor " + name + " should be a [" + out + " x " + in + " x " + k + " x " + k + "] kernel but is " + info);
        if (info.type() != GgmlType.F32 && info.type() != GgmlType.F16 && info.type() != GgmlType.BF16)
            throw new FormatException("tensor " + name + " is " + info.type() + ": convolution kernels are read in F32, F16 or BF16");
        float[] torch = new float[out * in * k * k], permuted = new float[torch.length];
        source.tensor(name).dequantize(0, torch, 0, torch.length);
        for (int o = 0; o < out; o++)
            for (int i = 0; i < in; i++)
                for (int p = 0; p < k * k; p++) permuted[(o * k * k + p) * in + i] = torch[(o * in + i) * k * k + p];
        Tensor matrix = Tensor.fromFloats(info.type(), permuted);
        source.release(name, 0, info.byteSize()); // the file's pages were read once for the copy: the copy is what stays in memory
        return ops.weight(matrix, out, k * k * in, source.memory(), (offset, length) -> {});
    }

    /**
     * A PyTorch Conv1d kernel [out, in, k] as the [out, k*in] matrix {@link Ops#conv1d} multiplies channels-last windows by,
     * columns permuted once to (tap, channel) order; weight-normed layers too ({@link #kernel1d}).
     */
    public Tensor convolution1d(String prefix, int out, int in, int k) {
        float[] torch = kernel1d(prefix, out, in, k), permuted = new float[torch.length];
        for (int o = 0; o < out; o++)
            for (int i = 0; i < in; i++)
                for (int t = 0; t < k; t++) permuted[(o * k + t) * in + i] = torch[(o * in + i) * k + t];
        return F32Tensor.ofFloats(permuted); // as floats: 1-D convolutions multiply them in register tiles (F16 and BF16 widen exactly)
    }

    /**
     * A PyTorch ConvTranspose1d kernel [in, out, k] as the [k*out, in] matrix {@link Ops#convTranspose1d} multiplies
     * channels-last steps by, rows in (tap, output channel) order; weight-normed layers too ({@link #kernel1d}).
     */
    public Tensor transposedConvolution1d(String prefix, int in, int out, int k) {
        float[] torch = kernel1d(prefix, in, out, k), permuted = new float[torch.length];
        for (int i = 0; i < in; i++)
            for (int o = 0; o < out; o++)
                for (int t = 0; t < k; t++) permuted[(t * out + o) * in + i] = torch[(i * out + o) * k + t];
        return F32Tensor.ofFloats(permuted);
    }

    /**
     * A depthwise 1-D kernel (groups = channels: PyTorch [channels, 1, k]) as its values, weight norm folded: k taps per
     * channel, in PyTorch's order.
     */
    public float[] depthwiseKernel1d(String prefix, int channels, int k) {
        return kernel1d(prefix, channels, 1, k);
    }

    /**
     * A 3-D kernel [first, second, k] in PyTorch's order. A weight-normed layer's is made here from its direction and
     * length, w = g * v / |v| for each slice along the first dimension (PyTorch's weight_norm, dim 0), under either name
     * PyTorch gives them ({@code weight_v} / {@code weight_g}, or {@code parametrizations.weight.original1} /
     * {@code original0}).
     */
    private float[] kernel1d(String prefix, int first, int second, int k) {
        String direction = has(prefix + ".weight_v") ? prefix + ".weight_v"
                : has(prefix + ".parametrizations.weight.original1") ? prefix + ".parametrizations.weight.original1" : prefix + ".weight";
        var info = source.info(direction);
        if (info.dimensions() != 3 || info.dim(0) != k || info.dim(1) != second || info.dim(2) != first)
            throw new FormatException("tensor " + direction + " should be a [" + first + " x " + second + " x " + k + "] kernel but is " + info);
        if (info.type() != GgmlType.F32 && info.type() != GgmlType.F16 && info.type() != GgmlType.BF16)
            throw new FormatException("tensor " + direction + " is " + info.type() + ": convolution kernels are read in F32, F16 or BF16");
        float[] torch = new float[first * second * k];
        source.tensor(direction).dequantize(0, torch, 0, torch.length);
        source.release(direction, 0, info.byteSize()); // read once for the copy: the copy is what stays in memory
        if (direction.endsWith(".weight")) return torch;
        String lengthName = direction.endsWith("weight_v") ? prefix + ".weight_g" : prefix + ".parametrizations.weight.original0";
        Tensor length = vector(lengthName, first);
        int slice = second * k;
        for (int f = 0; f < first; f++) {
            double norm = 0;
            for (int j = 0; j < slice; j++) norm += (double) torch[f * slice + j] * torch[f * slice + j];
            double scale = length.get(f) / Math.sqrt(norm);
            for (int j = 0; j < slice; j++) torch[f * slice + j] = (float) (torch[f * slice + j] * scale);
        }
        return torch;
    }

    /** A per-pixel projection: a Linear [out, in] or a 1x1 Conv2d [out, in, 1, 1], the same matrix over channels-last pixels. */
    public Tensor pointwise(String name, int out, int in) {
        var info = source.info(name);
        boolean conv = info.dimensions() == 4 && info.dim(0) == 1 && info.dim(1) == 1;
        if (!conv) return matrix(name, out, in);
        if (info.dim(2) != in || info.dim(3) != out)
            throw new FormatException("tensor " + name + " should be [" + out + " x " + in + " x 1 x 1] but is " + info);
        return ops.weight(source.tensor(name), out, in, source.memory(), (offset, length) -> source.release(name, offset, length));
    }

    /** A lookup table read a row at a time (an embedding): [rows, dim] in PyTorch's order, {dim, rows} in ggml's, as the file has it. */
    public Tensor table(String name, int rows, int dim) {
        var info = source.info(name);
        if (info.dimensions() != 2 || info.dim(0) != dim || info.dim(1) != rows)
            throw new FormatException("tensor " + name + " should be [" + rows + " x " + dim + "] but is " + info);
        return source.tensor(name);
    }

    public Tensor vector(String name, int length) {
        var info = source.info(name);
        if (info.elements() != length) throw new FormatException("tensor " + name + " should have " + length + " elements but is " + info);
        return source.tensor(name);
    }

    public Tensor optionalVector(String name, int length) {
        return source.has(name) ? vector(name, length) : null;
    }

    public boolean has(String name) { return source.has(name); }

    /** Loads each of {@code count} layers from the tensors named "blk.{i}." + ..., given that prefix. */
    public <L> L[] layers(int count, IntFunction<L[]> array, Function<String, L> load) {
        return layers("blk.", count, array, load);
    }

    /**
     * Loads each of {@code count} layers from the tensors named prefix + "{i}." + ..., given that prefix. The count comes
     * from the file's metadata, so it is checked against the tensors the file holds before anything is sized by it (a
     * crafted block_count of 2^31 - 1 was an OutOfMemoryError).
     */
    public <L> L[] layers(String prefix, int count, IntFunction<L[]> array, Function<String, L> load) {
        if (count < 1 || count > source.tensors().size())
            throw new FormatException("block count " + count + " does not fit a file of " + source.tensors().size() + " tensors");
        L[] layers = array.apply(count);
        for (int i = 0; i < count; i++) layers[i] = load.apply(prefix + i + ".");
        return layers;
    }
}
