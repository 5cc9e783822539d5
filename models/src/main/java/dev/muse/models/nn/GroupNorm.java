package dev.muse.models.nn;

import dev.muse.engine.Ops;
import dev.muse.engine.Parallel;
import dev.muse.engine.Tensor;

/** torch.nn.GroupNorm over channels-last pixels, optionally followed by SiLU (as every diffusers ResNet and output head does). */
public record GroupNorm(Tensor weight, Tensor bias, int channels, int groups, float eps) {
    public static GroupNorm load(WeightShapes w, String prefix, int channels, int groups, float eps) {
        return new GroupNorm(w.vector(prefix + ".weight", channels), w.vector(prefix + ".bias", channels), channels, groups, eps);
    }

    /** A new normalised image of {@code pixels} pixels. */
    public float[] apply(Ops ops, float[] x, int pixels) {
        float[] y = new float[pixels * channels];
        ops.groupnorm(y, x, pixels, channels, groups, weight, bias, eps);
        return y;
    }

    /** silu(groupnorm(x)), a new image. */
    public float[] applySilu(Ops ops, float[] x, int pixels) {
        float[] y = apply(ops, x, pixels);
        Parallel.forRange(pixels, p -> ops.silu(y, p * channels, channels));
        return y;
    }
}
