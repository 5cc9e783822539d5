package dev.muse.models.diffusion;

import dev.muse.formats.FormatException;
import dev.muse.formats.JsonConfig;

/** An AutoencoderKL's shape, from a diffusers {@code vae/config.json}. */
public record VaeConfig(int[] blockOut, int layersPerBlock, int latentChannels, int groups, int inChannels, int outChannels, float scalingFactor) {
    public static VaeConfig from(JsonConfig c) {
        String act = c.string("act_fn", "silu");
        if (!act.equals("silu")) throw new FormatException(c.where() + ": act_fn " + act + " is not the VAE's silu");
        int[] blocks = c.integers("block_out_channels", 1, 4096, 8);
        int groups = c.integer("norm_num_groups", 1, 1024);
        for (int b : blocks) if (b % groups != 0) throw new FormatException(c.where() + ": block width " + b + " does not split into " + groups + " groups");
        double scaling = c.number("scaling_factor", 0.18215);
        if (!(scaling > 0)) throw new FormatException(c.where() + ": scaling_factor " + scaling + " is not positive");
        return new VaeConfig(blocks, c.integer("layers_per_block", 1, 16), c.integer("latent_channels", 1, 64), groups,
                c.integer("in_channels", 1, 16), c.integer("out_channels", 1, 16), (float) scaling);
    }

    /** How many times larger the image is than its latent on each side. */
    public int factor() { return 1 << (blockOut.length - 1); }
}
