package dev.muse.models.nn;

import dev.muse.engine.Ops;
import dev.muse.engine.Parallel;
import dev.muse.engine.Tensor;

/**
 * diffusers' Transformer2DModel as the Stable Diffusion UNets use it: GroupNorm, a per-pixel projection in (a 1x1
 * convolution, or a Linear with use_linear_projection: the same product over channels-last pixels), BasicTransformerBlocks
 * (LayerNorm, self-attention; LayerNorm, cross-attention to the prompt's states; LayerNorm, GEGLU feed-forward; each with
 * its residual), a projection out, and the residual around it all.
 */
public record SpatialTransformer(GroupNorm norm, Tensor projIn, Tensor projInBias, Block[] blocks, Tensor projOut, Tensor projOutBias,
                                 int channels, int heads, int contextDim) {
    private static final float LAYER_NORM_EPS = 1e-5f, GROUP_NORM_EPS = 1e-6f;

    /** One BasicTransformerBlock: attn1 (self), attn2 (cross), GEGLU feed-forward (proj to 2 x inner, then down). */
    public record Block(Tensor norm1, Tensor norm1Bias, Tensor q1, Tensor k1, Tensor v1, Tensor out1, Tensor out1Bias,
                        Tensor norm2, Tensor norm2Bias, Tensor q2, Tensor k2, Tensor v2, Tensor out2, Tensor out2Bias,
                        Tensor norm3, Tensor norm3Bias, Tensor geglu, Tensor gegluBias, Tensor down, Tensor downBias, int inner) {}

    public static SpatialTransformer load(WeightShapes w, String p, int channels, int heads, int contextDim, int depth, int groups) {
        int c = channels, inner = 4 * channels;
        Block[] blocks = w.layers(p + ".transformer_blocks.", depth, Block[]::new, b -> new Block(
                w.vector(b + "norm1.weight", c), w.vector(b + "norm1.bias", c),
                w.matrix(b + "attn1.to_q.weight", c, c), w.matrix(b + "attn1.to_k.weight", c, c), w.matrix(b + "attn1.to_v.weight", c, c),
                w.matrix(b + "attn1.to_out.0.weight", c, c), w.vector(b + "attn1.to_out.0.bias", c),
                w.vector(b + "norm2.weight", c), w.vector(b + "norm2.bias", c),
                w.matrix(b + "attn2.to_q.weight", c, c), w.matrix(b + "attn2.to_k.weight", c, contextDim), w.matrix(b + "attn2.to_v.weight", c, contextDim),
                w.matrix(b + "attn2.to_out.0.weight", c, c), w.vector(b + "attn2.to_out.0.bias", c),
                w.vector(b + "norm3.weight", c), w.vector(b + "norm3.bias", c),
                w.matrix(b + "ff.net.0.proj.weight", 2 * inner, c), w.vector(b + "ff.net.0.proj.bias", 2 * inner),
                w.matrix(b + "ff.net.2.weight", c, inner), w.vector(b + "ff.net.2.bias", c), inner));
        return new SpatialTransformer(GroupNorm.load(w, p + ".norm", c, groups, GROUP_NORM_EPS),
                w.pointwise(p + ".proj_in.weight", c, c), w.vector(p + ".proj_in.bias", c), blocks,
                w.pointwise(p + ".proj_out.weight", c, c), w.vector(p + ".proj_out.bias", c), c, heads, contextDim);
    }

    /** x (pixels x channels) plus the transformer's output, in place; {@code context} is the prompt's states, tokens x contextDim. */
    public void apply(Ops ops, float[] x, int pixels, float[] context, int tokens) {
        int c = channels, headDim = c / heads;
        float scale = (float) (1 / Math.sqrt(headDim));
        float[] h = new float[pixels * c];
        ops.matmul(projIn, norm.apply(ops, x, pixels), pixels, h, c, c);
        Bias.add(ops, h, projInBias, pixels, c);
        float[] n = new float[pixels * c], q = new float[pixels * c], k = new float[pixels * c], v = new float[pixels * c];
        float[] att = new float[pixels * c], o = new float[pixels * c];
        float[] ck = new float[tokens * c], cv = new float[tokens * c];
        for (Block b : blocks) {
            layernorm(ops, n, h, b.norm1(), b.norm1Bias(), pixels);
            ops.matmul(n, pixels, c, new Tensor[] {b.q1(), b.k1(), b.v1()}, new float[][] {q, k, v}, new int[] {c, c, c});
            DenseAttention.attend(ops, q, k, v, att, pixels, pixels, heads, headDim, scale);
            ops.matmul(b.out1(), att, pixels, o, c, c);
            Bias.add(ops, o, b.out1Bias(), pixels, c);
            ops.add(h, 0, h, 0, o, 0, pixels * c);

            layernorm(ops, n, h, b.norm2(), b.norm2Bias(), pixels);
            ops.matmul(b.q2(), n, pixels, q, c, c);
            ops.matmul(context, tokens, contextDim, new Tensor[] {b.k2(), b.v2()}, new float[][] {ck, cv}, new int[] {c, c});
            DenseAttention.attend(ops, q, ck, cv, att, pixels, tokens, heads, headDim, scale);
            ops.matmul(b.out2(), att, pixels, o, c, c);
            Bias.add(ops, o, b.out2Bias(), pixels, c);
            ops.add(h, 0, h, 0, o, 0, pixels * c);

            layernorm(ops, n, h, b.norm3(), b.norm3Bias(), pixels);
            int inner = b.inner();
            float[] projected = new float[pixels * 2 * inner], gated = new float[pixels * inner];
            ops.matmul(b.geglu(), n, pixels, projected, 2 * inner, c);
            Bias.add(ops, projected, b.gegluBias(), pixels, 2 * inner);
            // GEGLU: the first half of each row times GELU(the second half)
            Parallel.forRange(pixels, p -> {
                ops.geluErf(projected, p * 2 * inner + inner, inner);
                ops.mul(gated, p * inner, projected, p * 2 * inner, projected, p * 2 * inner + inner, inner);
            });
            ops.matmul(b.down(), gated, pixels, o, c, inner);
            Bias.add(ops, o, b.downBias(), pixels, c);
            ops.add(h, 0, h, 0, o, 0, pixels * c);
        }
        ops.matmul(projOut, h, pixels, o, c, c);
        Bias.add(ops, o, projOutBias, pixels, c);
        ops.add(x, 0, x, 0, o, 0, pixels * c);
    }

    private void layernorm(Ops ops, float[] out, float[] x, Tensor weight, Tensor bias, int pixels) {
        int c = channels;
        Parallel.forRange(pixels, p -> ops.layernorm(out, p * c, x, p * c, weight, bias, c, LAYER_NORM_EPS));
    }
}
