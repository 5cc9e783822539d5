package dev.muse.models.nn;

import dev.muse.engine.Ops;

/**
 * diffusers' ResnetBlock2D (the "default" time-embedding mode, output scale 1): x + conv2(silu(norm2(conv1(silu(norm1(x))))))
 * with a 1x1 convolution on the shortcut when the widths differ. The VAE's blocks have no time embedding; the UNet's
 * add one per channel after conv1, given to {@link #apply} as {@code timeBias} (its projection already computed).
 */
public record ResnetBlock(GroupNorm norm1, Conv2d conv1, GroupNorm norm2, Conv2d conv2, Conv2d shortcut) {
    public static ResnetBlock load(WeightShapes w, String p, int in, int out, int groups, float eps) {
        return new ResnetBlock(GroupNorm.load(w, p + ".norm1", in, groups, eps), Conv2d.load(w, p + ".conv1", in, out, 3, 1),
                GroupNorm.load(w, p + ".norm2", out, groups, eps), Conv2d.load(w, p + ".conv2", out, out, 3, 1),
                in == out ? null : Conv2d.load(w, p + ".conv_shortcut", in, out, 1, 1));
    }

    public int out() { return conv2.out(); }

    /** The block's output for a height x width image; {@code timeBias} (out floats, or null) is added to every pixel after conv1. */
    public float[] apply(Ops ops, float[] x, int height, int width, float[] timeBias) {
        int pixels = height * width, out = out();
        float[] h = conv1.apply(ops, norm1.applySilu(ops, x, pixels), height, width);
        if (timeBias != null) for (int p = 0; p < pixels; p++) ops.add(h, p * out, h, p * out, timeBias, 0, out);
        h = conv2.apply(ops, norm2.applySilu(ops, h, pixels), height, width);
        float[] skip = shortcut == null ? x : shortcut.apply(ops, x, height, width);
        ops.add(h, 0, h, 0, skip, 0, pixels * out);
        return h;
    }
}
