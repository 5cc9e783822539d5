package dev.muse.models.nn;

import dev.muse.engine.Ops;
import dev.muse.engine.Tensor;

/**
 * diffusers' ResnetBlock2D (the "default" time-embedding mode, output scale 1): x + conv2(silu(norm2(conv1(silu(norm1(x))))))
 * with a 1x1 convolution on the shortcut when the widths differ. The VAE's blocks have no time embedding; the UNet's
 * add time_emb_proj(silu(time embedding)) to every pixel after conv1.
 */
public record ResnetBlock(GroupNorm norm1, Conv2d conv1, Tensor timeProj, Tensor timeProjBias, GroupNorm norm2, Conv2d conv2, Conv2d shortcut) {
    /** A block without a time embedding (the VAE's). */
    public static ResnetBlock load(WeightShapes w, String p, int in, int out, int groups, float eps) {
        return load(w, p, in, out, groups, eps, 0);
    }

    /** A block whose time_emb_proj takes a time embedding of {@code timeDim} (0: none). */
    public static ResnetBlock load(WeightShapes w, String p, int in, int out, int groups, float eps, int timeDim) {
        return new ResnetBlock(GroupNorm.load(w, p + ".norm1", in, groups, eps), Conv2d.load(w, p + ".conv1", in, out, 3, 1),
                timeDim == 0 ? null : w.matrix(p + ".time_emb_proj.weight", out, timeDim), timeDim == 0 ? null : w.vector(p + ".time_emb_proj.bias", out),
                GroupNorm.load(w, p + ".norm2", out, groups, eps), Conv2d.load(w, p + ".conv2", out, out, 3, 1),
                in == out ? null : Conv2d.load(w, p + ".conv_shortcut", in, out, 1, 1));
    }

    public int out() { return conv2.out(); }

    /** The block's output for a height x width image; {@code siluTime} is silu(time embedding), or null for a block without one. */
    public float[] apply(Ops ops, float[] x, int height, int width, float[] siluTime) {
        int pixels = height * width, out = out();
        float[] h = conv1.apply(ops, norm1.applySilu(ops, x, pixels), height, width);
        if (timeProj != null) {
            float[] bias = new float[out];
            ops.matmul(timeProj, siluTime, 1, bias, out, siluTime.length);
            Bias.add(ops, bias, timeProjBias, 1, out);
            for (int p = 0; p < pixels; p++) ops.add(h, p * out, h, p * out, bias, 0, out);
        }
        h = conv2.apply(ops, norm2.applySilu(ops, h, pixels), height, width);
        float[] skip = shortcut == null ? x : shortcut.apply(ops, x, height, width);
        ops.add(h, 0, h, 0, skip, 0, pixels * out);
        return h;
    }
}
