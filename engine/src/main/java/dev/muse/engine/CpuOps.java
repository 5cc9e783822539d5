package dev.muse.engine;

import java.lang.foreign.Arena;

/** The CPU backend: each operation is its kernel class's Vector API implementation. */
final class CpuOps implements Ops {
    static final CpuOps INSTANCE = new CpuOps();

    private CpuOps() {}

    @Override public Tensor weight(Tensor w, int rows, int cols, Arena memory, MatrixLayout.Copied copied) {
        return MatrixLayout.forGeneration(w, rows, cols, memory, copied);
    }

    @Override public void matmul(Tensor w, float[] x, int batch, float[] out, int rows, int cols) {
        MatmulKernels.matmulBatch(w, x, batch, out, rows, cols);
    }

    @Override public void matmul(float[] x, int batch, int cols, Tensor[] ws, float[][] outs, int[] rows) {
        MatmulKernels.matmulBatch(x, batch, cols, ws, outs, rows);
    }

    @Override public void vecmat(Tensor w, float[] a, int aOff, float[] out, int outOff, int rows, int cols) {
        MatmulKernels.vecmat(w, a, aOff, out, outOff, rows, cols);
    }

    @Override public void matmulNN(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, int m, int n, int k) {
        GemmKernels.matmulNN(a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k);
    }

    @Override public void matmulNT(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, int m, int n, int k) {
        GemmKernels.matmulNT(a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k);
    }

    @Override public void attention(float[] q, int qOff, int qStride, float[] k, float[] v, int kvOff, int kvStride, int length,
                                    int[] from, int[] to, int rows, int headSize, float scale, float[] out, int outOff, int outStride) {
        AttentionKernels.attention(q, qOff, qStride, k, v, kvOff, kvStride, length, from, to, rows, headSize, scale, out, outOff, outStride);
    }

    @Override public void rmsnorm(float[] out, int outOff, float[] x, int xOff, Tensor weight, int n, float eps) {
        NormKernels.rmsnorm(out, outOff, x, xOff, weight, n, eps);
    }

    @Override public void layernorm(float[] out, int outOff, float[] x, int xOff, Tensor weight, Tensor bias, int n, float eps) {
        NormKernels.layernorm(out, outOff, x, xOff, weight, bias, n, eps);
    }

    @Override public void softmax(float[] x, int off, int n) { ActivationKernels.softmax(x, off, n); }

    @Override public void clamp(float[] x, int off, int n, float lo, float hi) { ActivationKernels.clamp(x, off, n, lo, hi); }

    @Override public void silu(float[] x, int off, int n) { ActivationKernels.silu(x, off, n); }

    @Override public void gelu(float[] x, int off, int n) { ActivationKernels.gelu(x, off, n); }

    @Override public void geluErf(float[] x, int off, int n) { ActivationKernels.geluErf(x, off, n); }

    @Override public void geluQuick(float[] x, int off, int n) { ActivationKernels.geluQuick(x, off, n); }

    @Override public void snake(float[] x, int rows, int channels, float[] alpha) { ActivationKernels.snake(x, rows, channels, alpha); }

    @Override public void channelMoments(float[] x, int rows, int channels, float[] mean, float[] variance) {
        NormKernels.channelMoments(x, rows, channels, mean, variance);
    }

    @Override public void scaleShift(float[] x, int rows, int channels, float[] scale, float[] shift, float[] out) {
        NormKernels.scaleShift(x, rows, channels, scale, shift, out);
    }

    @Override public void conv2d(ConvKernels.Conv shape, Tensor weight, Tensor bias, float[] in, float[] out) {
        ConvKernels.conv2d(shape, weight, bias, in, out);
    }

    @Override public void conv1d(ConvKernels.Conv1 shape, Tensor weight, Tensor bias, float[] in, float[] out) {
        ConvKernels.conv1d(shape, weight, bias, in, out);
    }

    @Override public void convTranspose1d(ConvKernels.Conv1Transposed shape, Tensor weight, Tensor bias, float[] in, float[] out) {
        ConvKernels.convTranspose1d(shape, weight, bias, in, out);
    }

    @Override public void depthwiseConv2d(ConvKernels.Conv shape, float[] weight, float[] bias, float[] in, float[] out) {
        DepthwiseKernels.depthwiseConv2d(shape, weight, bias, in, out);
    }

    @Override public void pool2d(ConvKernels.Conv shape, boolean max, float[] in, float[] out) {
        DepthwiseKernels.pool2d(shape, max, in, out);
    }

    @Override public void groupnorm(float[] out, float[] x, int pixels, int channels, int groups, Tensor weight, Tensor bias, float eps) {
        ConvKernels.groupnorm(out, x, pixels, channels, groups, weight, bias, eps);
    }

    @Override public void add(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
        VectorKernels.add(out, outOff, a, aOff, b, bOff, n);
    }

    @Override public void mul(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
        VectorKernels.mul(out, outOff, a, aOff, b, bOff, n);
    }
}
