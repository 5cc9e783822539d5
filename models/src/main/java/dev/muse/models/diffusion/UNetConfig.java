package dev.muse.models.diffusion;

import dev.muse.formats.FormatException;
import dev.muse.formats.JsonConfig;
import java.util.List;

/**
 * A Stable Diffusion UNet's shape, from a diffusers {@code unet/config.json} (UNet2DConditionModel): SD 1.x and 2.x, and
 * their distilled descendants, which share it. {@code crossAttention[i]} says whether level i has transformers (the
 * CrossAttn block types); {@code heads[i]} is level i's head count (diffusers' attention_head_dim, which for these models
 * counts heads, unless num_attention_heads is given).
 */
public record UNetConfig(int inChannels, int outChannels, int[] blockOut, boolean[] crossAttention, int layersPerBlock, int[] heads,
                         int[] transformerDepth, int contextDim, int groups, float normEps, boolean flipSinToCos, int freqShift,
                         int addedTimeDim, int addedInputDim, int timeCondProjDim) {
    public static UNetConfig from(JsonConfig c) {
        int addedTimeDim = 0, addedInputDim = 0;
        if (c.has("addition_embed_type")) {
            String added = c.string("addition_embed_type", "");
            if (!added.equals("text_time"))
                throw new FormatException(c.where() + ": addition_embed_type " + added + " is not read (SDXL's text_time is)");
            addedTimeDim = c.integer("addition_time_embed_dim", 2, 4096);
            if (addedTimeDim % 2 != 0) throw new FormatException(c.where() + ": addition_time_embed_dim " + addedTimeDim + " is odd");
            addedInputDim = c.integer("projection_class_embeddings_input_dim", 6 * addedTimeDim + 1, 1 << 16);
        }
        int[] blocks = c.integers("block_out_channels", 1, 8192, 8);
        int levels = blocks.length;
        List<String> down = c.strings("down_block_types", 8), up = c.strings("up_block_types", 8);
        if (down.size() != levels || up.size() != levels) throw new FormatException(c.where() + ": " + levels + " block widths but " + down.size() + " down and " + up.size() + " up blocks");
        boolean[] cross = new boolean[levels];
        for (int i = 0; i < levels; i++) {
            cross[i] = blockType(c, down.get(i), "Down");
            if (blockType(c, up.get(levels - 1 - i), "Up") != cross[i]) throw new FormatException(c.where() + ": up block " + (levels - 1 - i) + " does not mirror down block " + i);
        }
        String mid = c.string("mid_block_type", "UNetMidBlock2DCrossAttn");
        if (!mid.equals("UNetMidBlock2DCrossAttn")) throw new FormatException(c.where() + ": mid_block_type " + mid + " is not read");
        int groups = c.integer("norm_num_groups", 1, 1024);
        for (int b : blocks) if (b % groups != 0) throw new FormatException(c.where() + ": block width " + b + " does not split into " + groups + " groups");
        int[] heads = c.has("num_attention_heads") ? c.perBlock("num_attention_heads", levels, 1, 1024, 8) : c.perBlock("attention_head_dim", levels, 1, 1024, 8);
        for (int i = 0; i < levels; i++) if (blocks[i] % heads[i] != 0) throw new FormatException(c.where() + ": width " + blocks[i] + " does not split into " + heads[i] + " heads");
        double eps = c.number("norm_eps", 1e-5);
        if (!(eps > 0 && eps < 1)) throw new FormatException(c.where() + ": norm_eps " + eps + " is not a small positive number");
        return new UNetConfig(c.integer("in_channels", 1, 64), c.integer("out_channels", 1, 64), blocks, cross, c.integer("layers_per_block", 1, 16),
                heads, c.perBlock("transformer_layers_per_block", levels, 1, 64, 1), c.integer("cross_attention_dim", 1, 1 << 14), groups,
                (float) eps, c.bool("flip_sin_to_cos", true), c.integer("freq_shift", 0, 1), addedTimeDim, addedInputDim,
                c.has("time_cond_proj_dim") ? c.integer("time_cond_proj_dim", 2, 4096) : 0);
    }

    /** With SDXL's added embeddings: the width of the pooled text embedding they take beside the six size-and-crop numbers. */
    public int textEmbedDim() { return addedTimeDim == 0 ? 0 : addedInputDim - 6 * addedTimeDim; }

    /** Whether a block type has transformers; refuses types this UNet does not read. */
    private static boolean blockType(JsonConfig c, String type, String direction) {
        if (type.equals("CrossAttn" + direction + "Block2D")) return true;
        if (type.equals(direction + "Block2D")) return false;
        throw new FormatException(c.where() + ": block type " + type + " is not read (" + direction + "Block2D or CrossAttn" + direction + "Block2D)");
    }

    public int levels() { return blockOut.length; }

    /** Whether the UNet takes the guidance scale as an embedding (an LCM-distilled one: time_cond_proj_dim) instead of guidance by two calls. */
    public boolean embedsGuidance() { return timeCondProjDim > 0; }

    /** Width of the time embedding: four times the first level's. */
    public int timeDim() { return 4 * blockOut[0]; }
}
