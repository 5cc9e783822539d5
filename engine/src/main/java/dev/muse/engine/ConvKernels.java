package dev.muse.engine;

import java.util.Arrays;

/**
 * Image operations for diffusion models, over channels-last activations: an image of height x width pixels of c
 * channels is float[(y * width + x) * c + channel], so every pixel is a row and a 1x1 convolution or a linear layer is
 * a plain matrix product. Each has its scalar reference.
 */
public final class ConvKernels {
    private ConvKernels() {}

    /** Output pixels gathered per matrix product: their unfolded patches stay within a few megabytes. */
    private static final int PATCH_ROWS = 256;

    /** The shape of a 2-D convolution; padding may differ per side (diffusers' downsamplers pad right and bottom only). */
    public record Conv(int height, int width, int inChannels, int outChannels, int kernel, int stride,
                       int padTop, int padLeft, int padBottom, int padRight) {
        public Conv {
            if (height < 1 || width < 1 || inChannels < 1 || outChannels < 1 || kernel < 1 || stride < 1
                    || padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0
                    || height + padTop + padBottom < kernel || width + padLeft + padRight < kernel)
                throw new IllegalArgumentException("invalid convolution " + this);
        }

        /** A square kernel with the same padding on every side. */
        public static Conv same(int height, int width, int inChannels, int outChannels, int kernel, int stride, int pad) {
            return new Conv(height, width, inChannels, outChannels, kernel, stride, pad, pad, pad, pad);
        }

        public int outHeight() { return (height + padTop + padBottom - kernel) / stride + 1; }

        public int outWidth() { return (width + padLeft + padRight - kernel) / stride + 1; }

        /** Columns of the weight matrix: one per (ky, kx, input channel), in that order. */
        public int patch() { return kernel * kernel * inChannels; }
    }

    /**
     * out = conv(in) + bias, channels-last. {@code weight} is [outChannels, kernel*kernel*inChannels] with columns in
     * (ky, kx, channel) order (a PyTorch [out, in, kh, kw] kernel permuted once at load), as {@code Ops.weight} laid it
     * out. Output pixels go through the matrix product a block at a time, their patches unfolded first.
     */
    public static void conv2d(Conv c, Tensor weight, Tensor bias, float[] in, float[] out) {
        int outPixels = c.outHeight() * c.outWidth(), patch = c.patch(), oc = c.outChannels();
        float[] biasValues = bias == null ? null : new float[oc];
        if (bias != null) bias.dequantize(0, biasValues, 0, oc);
        float[] patches = new float[Math.min(PATCH_ROWS, outPixels) * patch];
        float[] block = new float[Math.min(PATCH_ROWS, outPixels) * oc];
        for (int p0 = 0; p0 < outPixels; p0 += PATCH_ROWS) {
            int rows = Math.min(PATCH_ROWS, outPixels - p0);
            int first = p0;
            Parallel.forRange(rows, r -> unfold(c, in, first + r, patches, r * patch));
            MatmulKernels.matmulBatch(weight, patches, rows, block, oc, patch);
            System.arraycopy(block, 0, out, p0 * oc, rows * oc);
            if (biasValues != null) for (int r = 0; r < rows; r++) VectorKernels.add(out, (p0 + r) * oc, out, (p0 + r) * oc, biasValues, 0, oc);
        }
    }

    /** The input window of output pixel p as one patch row: (ky, kx, channel), zeros where it falls in the padding. */
    private static void unfold(Conv c, float[] in, int p, float[] patches, int at) {
        int oy = p / c.outWidth(), ox = p % c.outWidth(), ic = c.inChannels();
        for (int ky = 0; ky < c.kernel(); ky++) {
            int y = oy * c.stride() + ky - c.padTop();
            for (int kx = 0; kx < c.kernel(); kx++) {
                int x = ox * c.stride() + kx - c.padLeft(), to = at + (ky * c.kernel() + kx) * ic;
                if (y < 0 || y >= c.height() || x < 0 || x >= c.width()) Arrays.fill(patches, to, to + ic, 0f);
                else System.arraycopy(in, (y * c.width() + x) * ic, patches, to, ic);
            }
        }
    }

    /**
     * The shape of a 1-D convolution over channels-last steps (float[step * channels + channel]), with PyTorch's stride,
     * dilation and padding (which may differ per side).
     */
    public record Conv1(int steps, int inChannels, int outChannels, int kernel, int stride, int dilation, int padLeft, int padRight) {
        public Conv1 {
            if (steps < 1 || inChannels < 1 || outChannels < 1 || kernel < 1 || stride < 1 || dilation < 1 || padLeft < 0 || padRight < 0
                    || steps + padLeft + padRight < (kernel - 1) * dilation + 1)
                throw new IllegalArgumentException("invalid convolution " + this);
        }

        public int outSteps() { return (steps + padLeft + padRight - (kernel - 1) * dilation - 1) / stride + 1; }

        /** Columns of the weight matrix: one per (tap, input channel), in that order. */
        public int patch() { return kernel * inChannels; }
    }

    /**
     * out = conv1d(in) + bias, channels-last: {@code weight} is [outChannels, kernel*inChannels] with columns in (tap,
     * channel) order (a PyTorch [out, in, k] kernel permuted once at load). Output steps go through the matrix product a
     * block at a time, their dilated windows unfolded first.
     */
    public static void conv1d(Conv1 c, Tensor weight, Tensor bias, float[] in, float[] out) {
        int outSteps = c.outSteps(), patch = c.patch(), oc = c.outChannels();
        float[] biasValues = bias == null ? null : new float[oc];
        if (bias != null) bias.dequantize(0, biasValues, 0, oc);
        float[] floats = weight instanceof F32Tensor f ? f.heapFloats() : null;
        if (floats != null && c.stride() == 1 && outSteps >= 4) {
            contiguous(c, floats, in, out);
            if (biasValues != null) for (int r = 0; r < outSteps; r++) VectorKernels.add(out, r * oc, out, r * oc, biasValues, 0, oc);
            return;
        }
        float[] patches = new float[Math.min(PATCH_ROWS, outSteps) * patch];
        float[] block = new float[Math.min(PATCH_ROWS, outSteps) * oc];
        for (int s0 = 0; s0 < outSteps; s0 += PATCH_ROWS) {
            int rows = Math.min(PATCH_ROWS, outSteps - s0);
            for (int r = 0; r < rows; r++) {
                int start = (s0 + r) * c.stride() - c.padLeft(), ic = c.inChannels();
                for (int tap = 0; tap < c.kernel(); tap++) {
                    int t = start + tap * c.dilation(), to = r * patch + tap * ic;
                    if (t < 0 || t >= c.steps()) Arrays.fill(patches, to, to + ic, 0f);
                    else System.arraycopy(in, t * ic, patches, to, ic);
                }
            }
            multiply(weight, patches, 0, rows, block, oc, patch);
            System.arraycopy(block, 0, out, s0 * oc, rows * oc);
            if (biasValues != null) for (int r = 0; r < rows; r++) VectorKernels.add(out, (s0 + r) * oc, out, (s0 + r) * oc, biasValues, 0, oc);
        }
    }

    /** Output steps per block of a stride-1 convolution: its input is a megabyte or so at a vocoder's widths. */
    private static final int STEP_BLOCK = 840;

    /**
     * A stride-1 convolution with the kernel as floats, without copying patches, a block of output steps at a time. The
     * block's padded input is copied once, its steps regrouped by phase (step mod dilation): within a phase, a dilated
     * window is k consecutive rows, so each phase serves as a matrix of overlapping rows (each k x channels long, one
     * channel row apart) for the register-tiled product, whose outputs land on every dilation-th output row. Dilation 1
     * is one phase: the padded input.
     */
    private static void contiguous(Conv1 c, float[] w, float[] in, float[] out) {
        int ic = c.inChannels(), oc = c.outChannels(), patch = c.patch(), outSteps = c.outSteps(), d = c.dilation(), span = (c.kernel() - 1) * d;
        float[] phases = new float[(Math.min(STEP_BLOCK, outSteps) + span) * ic];
        int[] phaseStart = new int[d];
        for (int s0 = 0; s0 < outSteps; s0 += STEP_BLOCK) {
            int steps = Math.min(STEP_BLOCK, outSteps - s0), window = steps + span, first = s0;
            for (int r = 0, row = 0; r < d; r++) { // padded steps s0 + r, s0 + r + d, ... one after another
                phaseStart[r] = row;
                for (int s = r; s < window; s += d, row++) {
                    int t = s0 + s - c.padLeft();
                    if (t >= 0 && t < c.steps()) System.arraycopy(in, t * ic, phases, row * ic, ic);
                    else Arrays.fill(phases, row * ic, (row + 1) * ic, 0f);
                }
            }
            Parallel.forChunks((oc + 3) / 4, (from, to) -> {
                int o = 4 * from, count = Math.min(oc, 4 * to) - o;
                for (int r = 0; r < Math.min(d, steps); r++) {
                    int rows = (steps - r + d - 1) / d; // output steps r, r + d, ...: the last window ends at the phase's last row
                    GemmKernels.matmulNT(phases, phaseStart[r] * ic, ic, w, o * patch, patch, out, (first + r) * oc + o, d * oc, rows, count, patch);
                }
            });
        }
    }

    /**
     * out[r][o] = x[r] . weight[o] for {@code rows} rows of x: a kernel held as floats ({@link F32Tensor#ofFloats}, as
     * 1-D convolutions keep theirs) is multiplied in register tiles of 4 x 4 (matmulNT), the output channels split over
     * the threads; any other tensor by the weight-streaming kernel.
     */
    private static void multiply(Tensor weight, float[] x, int xOff, int rows, float[] out, int oc, int cols) {
        float[] w = weight instanceof F32Tensor f ? f.heapFloats() : null;
        if (w == null || rows < 4) {
            MatmulKernels.matmulBatch(weight, xOff == 0 ? x : Arrays.copyOfRange(x, xOff, xOff + rows * cols), rows, out, oc, cols);
            return;
        }
        Parallel.forChunks((oc + 3) / 4, (from, to) -> {
            int first = 4 * from, count = Math.min(oc, 4 * to) - first;
            GemmKernels.matmulNT(x, xOff, cols, w, first * cols, cols, out, first, oc, rows, count, cols);
        });
    }

    /**
     * The shape of a transposed 1-D convolution (PyTorch's ConvTranspose1d, dilation 1): each input step spreads over
     * {@code kernel} output steps starting at step * stride - padding; {@code outputPadding} adds steps at the end.
     */
    public record Conv1Transposed(int steps, int inChannels, int outChannels, int kernel, int stride, int padding, int outputPadding) {
        public Conv1Transposed {
            if (steps < 1 || inChannels < 1 || outChannels < 1 || kernel < 1 || stride < 1 || padding < 0 || outputPadding < 0
                    || outputPadding >= stride || (steps - 1) * stride - 2 * padding + kernel + outputPadding < 1)
                throw new IllegalArgumentException("invalid transposed convolution " + this);
        }

        public int outSteps() { return (steps - 1) * stride - 2 * padding + kernel + outputPadding; }
    }

    /**
     * out = convTranspose1d(in) + bias, channels-last, with no zeros inserted: one matrix product gives every input step's
     * contribution to each of its kernel taps ({@code weight} is [kernel*outChannels, inChannels], rows in (tap, output
     * channel) order: a PyTorch [in, out, k] kernel permuted once at load), which are then added where they land.
     */
    public static void convTranspose1d(Conv1Transposed c, Tensor weight, Tensor bias, float[] in, float[] out) {
        int oc = c.outChannels(), rows = c.kernel() * oc, outSteps = c.outSteps(), ic = c.inChannels();
        Arrays.fill(out, 0, outSteps * oc, 0f);
        if (bias != null) {
            float[] b = new float[oc];
            bias.dequantize(0, b, 0, oc);
            for (int t = 0; t < outSteps; t++) System.arraycopy(b, 0, out, t * oc, oc);
        }
        // a block of input steps at a time: their contributions are a megabyte or two, not a copy of the output per tap
        int block = Math.max(4, Math.min(c.steps(), (1 << 19) / rows));
        float[] spread = new float[block * rows];
        for (int t0 = 0; t0 < c.steps(); t0 += block) {
            int n = Math.min(block, c.steps() - t0);
            multiply(weight, in, t0 * ic, n, spread, rows, ic);
            for (int t = t0; t < t0 + n; t++)
                for (int tap = 0; tap < c.kernel(); tap++) {
                    int to = t * c.stride() - c.padding() + tap;
                    if (to >= 0 && to < outSteps) VectorKernels.add(out, to * oc, out, to * oc, spread, (t - t0) * rows + tap * oc, oc);
                }
        }
    }

    /** The definition, with a PyTorch-ordered kernel [in][out][tap]: every input value times every tap, summed in double. */
    public static void convTranspose1dReference(Conv1Transposed c, float[] torchKernel, float[] bias, float[] in, float[] out) {
        int oc = c.outChannels(), ic = c.inChannels(), k = c.kernel(), outSteps = c.outSteps();
        double[] sum = new double[outSteps * oc];
        for (int t = 0; t < outSteps; t++) for (int o = 0; o < oc; o++) sum[t * oc + o] = bias == null ? 0 : bias[o];
        for (int t = 0; t < c.steps(); t++)
            for (int i = 0; i < ic; i++)
                for (int o = 0; o < oc; o++)
                    for (int tap = 0; tap < k; tap++) {
                        int to = t * c.stride() - c.padding() + tap;
                        if (to >= 0 && to < outSteps) sum[to * oc + o] += (double) in[t * ic + i] * torchKernel[(i * oc + o) * k + tap];
                    }
        for (int i = 0; i < sum.length; i++) out[i] = (float) sum[i];
    }

    /** The definition, with a PyTorch-ordered kernel [out][in][tap]: a sum per output value, in double. */
    public static void conv1dReference(Conv1 c, float[] torchKernel, float[] bias, float[] in, float[] out) {
        int k = c.kernel(), ic = c.inChannels();
        for (int os = 0; os < c.outSteps(); os++)
            for (int o = 0; o < c.outChannels(); o++) {
                double sum = bias == null ? 0 : bias[o];
                for (int i = 0; i < ic; i++)
                    for (int tap = 0; tap < k; tap++) {
                        int t = os * c.stride() - c.padLeft() + tap * c.dilation();
                        if (t >= 0 && t < c.steps()) sum += (double) torchKernel[(o * ic + i) * k + tap] * in[t * ic + i];
                    }
                out[os * c.outChannels() + o] = (float) sum;
            }
    }

    /** The definition, with a PyTorch-ordered kernel [out][in][ky][kx]: a sum per output value, in double. */
    public static void conv2dReference(Conv c, float[] torchKernel, float[] bias, float[] in, float[] out) {
        int k = c.kernel(), ic = c.inChannels();
        for (int oy = 0; oy < c.outHeight(); oy++)
            for (int ox = 0; ox < c.outWidth(); ox++)
                for (int o = 0; o < c.outChannels(); o++) {
                    double sum = bias == null ? 0 : bias[o];
                    for (int i = 0; i < ic; i++)
                        for (int ky = 0; ky < k; ky++)
                            for (int kx = 0; kx < k; kx++) {
                                int y = oy * c.stride() + ky - c.padTop(), x = ox * c.stride() + kx - c.padLeft();
                                if (y < 0 || y >= c.height() || x < 0 || x >= c.width()) continue;
                                sum += (double) torchKernel[((o * ic + i) * k + ky) * k + kx] * in[(y * c.width() + x) * ic + i];
                            }
                    out[(oy * c.outWidth() + ox) * c.outChannels() + o] = (float) sum;
                }
    }

    /**
     * GroupNorm over channels-last pixels: the channels fall into {@code groups} runs of channels/groups, each normalised
     * over all its values (every pixel), then scaled and shifted per channel. The mean, then the variance around it, in
     * double per group. out may be x.
     */
    public static void groupnorm(float[] out, float[] x, int pixels, int channels, int groups, Tensor weight, Tensor bias, float eps) {
        if (groups < 1 || channels % groups != 0) throw new IllegalArgumentException(channels + " channels do not split into " + groups + " groups");
        int size = channels / groups;
        double[] mean = new double[groups], scale = new double[groups];
        Parallel.forRange(groups, g -> {
            double sum = 0;
            for (int p = 0; p < pixels; p++) for (int j = 0; j < size; j++) sum += x[p * channels + g * size + j];
            double m = sum / ((double) pixels * size), squares = 0;
            for (int p = 0; p < pixels; p++)
                for (int j = 0; j < size; j++) {
                    double d = x[p * channels + g * size + j] - m;
                    squares += d * d;
                }
            mean[g] = m;
            scale[g] = 1 / Math.sqrt(squares / ((double) pixels * size) + eps);
        });
        // per channel: y = x * a + b with a = scale * weight, b = bias - mean * a
        float[] a = new float[channels], b = new float[channels];
        for (int ch = 0; ch < channels; ch++) {
            int g = ch / size;
            double w = weight.get(ch), s = scale[g] * w;
            a[ch] = (float) s;
            b[ch] = (float) ((bias == null ? 0 : bias.get(ch)) - mean[g] * s);
        }
        Parallel.forRange(pixels, p -> {
            VectorKernels.mul(out, p * channels, x, p * channels, a, 0, channels);
            VectorKernels.add(out, p * channels, out, p * channels, b, 0, channels);
        });
    }

    /** GroupNorm as PyTorch defines it, everything in double. */
    public static void groupnormReference(float[] out, float[] x, int pixels, int channels, int groups, Tensor weight, Tensor bias, float eps) {
        int size = channels / groups;
        for (int g = 0; g < groups; g++) {
            double sum = 0, squares = 0;
            for (int p = 0; p < pixels; p++) for (int j = 0; j < size; j++) sum += x[p * channels + g * size + j];
            double m = sum / ((double) pixels * size);
            for (int p = 0; p < pixels; p++) for (int j = 0; j < size; j++) squares += Math.pow(x[p * channels + g * size + j] - m, 2);
            double s = 1 / Math.sqrt(squares / ((double) pixels * size) + eps);
            for (int p = 0; p < pixels; p++)
                for (int j = 0; j < size; j++) {
                    int i = p * channels + g * size + j;
                    out[i] = (float) ((x[i] - m) * s * weight.get(g * size + j) + (bias == null ? 0 : bias.get(g * size + j)));
                }
        }
    }
}
