package dev.muse.engine;

import java.lang.foreign.Arena;

/**
 * The operations a model computes with, named after ggml's: the seam between models and the hardware. A model
 * is given its {@code Ops} when it loads and never calls a kernel class itself; {@link #cpu()} is the Vector API
 * backend (its kernels split by concern: {@link MatmulKernels}, {@link GemmKernels}, {@link NormKernels},
 * {@link ActivationKernels}, {@link VectorKernels}). New kinds of operation get a method here and a kernel class
 * beside those (convolutions and group norm for diffusion, STFT for audio); another backend (a GPU) is another
 * implementation, which also decides in {@link #weight} where a model's weights live.
 *
 * <p>Activations are row-major float arrays; a weight matrix is a {@link Tensor} of rows x cols whose row r starts
 * at element r*cols.
 */
public interface Ops {
    /** The CPU backend: every core through {@link Parallel}, SIMD through the Vector API. */
    static Ops cpu() { return CpuOps.INSTANCE; }

    /**
     * A weight matrix as this backend multiplies it fastest (on the CPU: column blocks, row-grouped Q4_0, huge pages;
     * see {@link MatrixLayout}). Copies belong to {@code memory}; ranges of {@code w} that will not be read again are
     * reported to {@code copied}, so its pages can be given back as the copy grows.
     */
    Tensor weight(Tensor w, int rows, int cols, Arena memory, MatrixLayout.Copied copied);

    /** out[b*rows + r] = dot(w row r, x row b) for x of batch x cols. */
    void matmul(Tensor w, float[] x, int batch, float[] out, int rows, int cols);

    /** Several weights times the same x, as {@link #matmul} each: a layer's q, k and v, or its gate and up, in one pass. */
    void matmul(float[] x, int batch, int cols, Tensor[] ws, float[][] outs, int[] rows);

    /** out = a · w for a vector a of rows floats and a [rows, cols] matrix w (the vector-matrix product). Single-threaded. */
    void vecmat(Tensor w, float[] a, int aOff, float[] out, int outOff, int rows, int cols);

    /** c = a * b between activations: a is m x k, b is k x n, c is m x n (row strides lda, ldb, ldc). Single-threaded. */
    void matmulNN(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, int m, int n, int k);

    /** c = a * transpose(b): a is m x k, b is n x k, c is m x n. Single-threaded. */
    void matmulNT(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, int m, int n, int k);

    /** out = weight * x / sqrt(mean(x^2) + eps) over one row of n; out may be x. */
    void rmsnorm(float[] out, int outOff, float[] x, int xOff, Tensor weight, int n, float eps);

    /**
     * Scaled dot-product attention of one head for a block of {@code rows} query rows, the unit a backend fuses
     * ({@link AttentionKernels}): out row i = softmax(scale * q_i · K) · V over the positions from[i] .. to[i] - 1 of
     * the {@code length} it is given (the others weigh 0). Query row i is headSize floats at qOff + i * qStride, key
     * and value position t at kvOff + t * kvStride of k and v, output row i at outOff + i * outStride; out may be q
     * (each query is read before its output is written). Single-threaded.
     */
    void attention(float[] q, int qOff, int qStride, float[] k, float[] v, int kvOff, int kvStride, int length,
                   int[] from, int[] to, int rows, int headSize, float scale, float[] out, int outOff, int outStride);

    /** out = (x - mean) / sqrt(var + eps) * weight + bias over one row of n (bias may be null); out may be x. */
    void layernorm(float[] out, int outOff, float[] x, int xOff, Tensor weight, Tensor bias, int n, float eps);

    /** In place over n floats: exp(x - max) / sum. */
    void softmax(float[] x, int off, int n);

    /** In place: x clamped to [lo, hi] (ReLU, ReLU6). */
    void clamp(float[] x, int off, int n, float lo, float hi);

    /** In place: x * sigmoid(x). */
    void silu(float[] x, int off, int n);

    /** In place: GELU, tanh approximation. */
    void gelu(float[] x, int off, int n);

    /** In place: GELU as defined, 0.5x(1 + erf(x / sqrt 2)) (PyTorch's and transformers' "gelu"). */
    void geluErf(float[] x, int off, int n);

    /** In place: x * sigmoid(1.702x). */
    void geluQuick(float[] x, int off, int n);

    /** In place over channels-last rows [rows][channels]: x + sin^2(alpha x) / alpha, alpha per channel (Snake). */
    void snake(float[] x, int rows, int channels, float[] alpha);

    /** Each channel's mean and biased variance over the rows of channels-last x: an instance norm's statistics. */
    void channelMoments(float[] x, int rows, int channels, float[] mean, float[] variance);

    /** out = x * scale + shift, scale and shift per channel, over channels-last rows; out may be x. */
    void scaleShift(float[] x, int rows, int channels, float[] scale, float[] shift, float[] out);

    /**
     * out = conv(in) + bias over channels-last images ({@link ConvKernels}): {@code weight} is the kernel as an
     * [outChannels, kernel*kernel*inChannels] matrix with columns in (ky, kx, channel) order, laid out by {@link #weight}.
     */
    void conv2d(ConvKernels.Conv shape, Tensor weight, Tensor bias, float[] in, float[] out);

    /** A 1-D convolution over channels-last steps (stride, dilation, padding), weight [out, kernel*in] in (tap, channel) order. */
    void conv1d(ConvKernels.Conv1 shape, Tensor weight, Tensor bias, float[] in, float[] out);

    /** A transposed 1-D convolution over channels-last steps, weight [kernel*out, in] in (tap, output channel) row order. */
    void convTranspose1d(ConvKernels.Conv1Transposed shape, Tensor weight, Tensor bias, float[] in, float[] out);

    /**
     * out = depthwise conv(in) + bias over channels-last images ({@link DepthwiseKernels}): shape's input and output
     * channels are equal, weight holds kernel*kernel rows of channels floats (tap ky * kernel + kx); bias may be null.
     */
    void depthwiseConv2d(ConvKernels.Conv shape, float[] weight, float[] bias, float[] in, float[] out);

    /** Max or average pooling over channels-last images (an average counts only pixels inside the image). */
    void pool2d(ConvKernels.Conv shape, boolean max, float[] in, float[] out);

    /** GroupNorm over channels-last pixels: groups of channels normalised over every pixel, then weight and bias per channel. */
    void groupnorm(float[] out, float[] x, int pixels, int channels, int groups, Tensor weight, Tensor bias, float eps);

    /** out = a + b element-wise; out may alias a or b. */
    void add(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n);

    /** out = a * b element-wise; out may alias a or b. */
    void mul(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n);
}
