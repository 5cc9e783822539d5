package dev.muse.models.nn;

import dev.muse.engine.Ops;
import dev.muse.engine.Parallel;
import dev.muse.engine.Tensor;

/**
 * A post-LayerNorm transformer encoder block, as BERT and ALBERT have it: x = LN(x + out(attention(q, k, v))), then
 * x = LN(x + down(GELU(up(x)))), every token attending to every other. Each model loads it under its own tensor names.
 */
public record EncoderLayer(Tensor q, Tensor qBias, Tensor k, Tensor kBias, Tensor v, Tensor vBias, Tensor out, Tensor outBias, Tensor norm,
                           Tensor normBias, Tensor up, Tensor upBias, Tensor down, Tensor downBias, Tensor fullNorm, Tensor fullNormBias) {
    /** The block's sizes and its GELU: erf's (BERT's "gelu") or the tanh approximation (ALBERT's "gelu_new"). */
    public record Shape(int hidden, int heads, int intermediate, float eps, boolean erfGelu) {}

    /** Working arrays for {@code n} tokens, shared by every layer of one pass. */
    public static Scratch scratch() { return new Scratch(6); }

    /** The block over x [n, hidden], in place. */
    public void forward(Ops ops, float[] x, int n, Shape s, Scratch scratch) {
        int h = s.hidden(), ffn = s.intermediate(), headDim = h / s.heads();
        float[] q = scratch.get(0, n * h), k = scratch.get(1, n * h), v = scratch.get(2, n * h), att = scratch.get(3, n * h);
        float[] projected = scratch.get(4, n * h), hidden = scratch.get(5, n * ffn);
        ops.matmul(x, n, h, new Tensor[] {q(), k(), v()}, new float[][] {q, k, v}, new int[] {h, h, h});
        Bias.add(ops, q, qBias, n, h);
        Bias.add(ops, k, kBias, n, h);
        Bias.add(ops, v, vBias, n, h);
        DenseAttention.attend(ops, q, k, v, att, n, n, s.heads(), headDim, (float) (1 / Math.sqrt(headDim)), false);
        ops.matmul(out, att, n, projected, h, h);
        Bias.add(ops, projected, outBias, n, h);
        ops.add(x, 0, x, 0, projected, 0, n * h);
        layernorm(ops, x, norm, normBias, n, s);
        ops.matmul(up, x, n, hidden, ffn, h);
        Bias.add(ops, hidden, upBias, n, ffn);
        if (s.erfGelu()) Parallel.forRange(n, r -> ops.geluErf(hidden, r * ffn, ffn));
        else Parallel.forRange(n, r -> ops.gelu(hidden, r * ffn, ffn));
        ops.matmul(down, hidden, n, projected, h, ffn);
        Bias.add(ops, projected, downBias, n, h);
        ops.add(x, 0, x, 0, projected, 0, n * h);
        layernorm(ops, x, fullNorm, fullNormBias, n, s);
    }

    private static void layernorm(Ops ops, float[] x, Tensor weight, Tensor bias, int n, Shape s) {
        int h = s.hidden();
        Parallel.forRange(n, r -> ops.layernorm(x, r * h, x, r * h, weight, bias, h, s.eps()));
    }
}
