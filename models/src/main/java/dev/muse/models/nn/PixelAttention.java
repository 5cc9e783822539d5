package dev.muse.models.nn;

import dev.muse.engine.Ops;
import dev.muse.engine.Tensor;

/**
 * The VAE's self-attention over pixels (diffusers' Attention with a group norm, one head as wide as the channels, a
 * residual): x + to_out(softmax(q k^T / sqrt(channels)) v) with q, k, v linear in groupnorm(x).
 */
public record PixelAttention(GroupNorm norm, Tensor q, Tensor qBias, Tensor k, Tensor kBias, Tensor v, Tensor vBias, Tensor out, Tensor outBias, int channels) {
    public static PixelAttention load(WeightShapes w, String p, int channels, int groups, float eps) {
        return new PixelAttention(GroupNorm.load(w, p + ".group_norm", channels, groups, eps),
                w.matrix(p + ".to_q.weight", channels, channels), w.vector(p + ".to_q.bias", channels),
                w.matrix(p + ".to_k.weight", channels, channels), w.vector(p + ".to_k.bias", channels),
                w.matrix(p + ".to_v.weight", channels, channels), w.vector(p + ".to_v.bias", channels),
                w.matrix(p + ".to_out.0.weight", channels, channels), w.vector(p + ".to_out.0.bias", channels), channels);
    }

    /** x plus attention over its pixels, in place. */
    public void apply(Ops ops, float[] x, int pixels) {
        int c = channels;
        float[] h = norm.apply(ops, x, pixels);
        float[] qs = new float[pixels * c], ks = new float[pixels * c], vs = new float[pixels * c];
        ops.matmul(h, pixels, c, new Tensor[] {q, k, v}, new float[][] {qs, ks, vs}, new int[] {c, c, c});
        Bias.add(ops, qs, qBias, pixels, c);
        Bias.add(ops, ks, kBias, pixels, c);
        Bias.add(ops, vs, vBias, pixels, c);
        float[] att = new float[pixels * c];
        DenseAttention.attend(ops, qs, ks, vs, att, pixels, pixels, 1, c, (float) (1 / Math.sqrt(c)));
        ops.matmul(out, att, pixels, h, c, c);
        Bias.add(ops, h, outBias, pixels, c);
        ops.add(x, 0, x, 0, h, 0, pixels * c);
    }
}
