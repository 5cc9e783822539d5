package dev.muse.testkit;

import dev.muse.engine.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A random-weight UNet2DConditionModel in a diffusers {@code unet/} folder (config.json + diffusion_pytorch_model.safetensors
 * with diffusers' names): Stable Diffusion's shape rules (CrossAttn levels then a plain one, two ResNets per down level,
 * three per up level with skips, GroupNorm of 32, GEGLU transformers) at three small levels. {@link Shape#SD1} projects into
 * and out of its transformers with 1x1 convolutions and counts heads per level; {@link Shape#SD2} uses Linear projections
 * (use_linear_projection) and a head count per level, as SD 2.x does. The same seed gives the same bytes.
 */
public record TinyUNet(Shape shape, GgmlType type, long seed, int inChannels) {
    /**
     * @param heads      per level, as diffusers' SD configs write attention_head_dim (SD 2.x: the number of heads)
     * @param contextDim the text encoder's width the cross-attention reads
     */
    /**
     * @param depth        transformer blocks per level (transformer_layers_per_block; the mid block takes the last level's)
     * @param addedTimeDim SDXL's added embeddings ("text_time"): the sinusoid width of each of the six size-and-crop
     *                     numbers; 0 for none
     * @param textEmbedDim with those, the width of the pooled text embedding beside them
     * @param guidanceDim  an LCM-distilled UNet's guidance embedding width (time_cond_proj_dim); 0 for none
     */
    public record Shape(String name, int[] widths, boolean[] crossAttention, int[] heads, boolean linearProjection, int contextDim, int layers,
                        int[] depth, int addedTimeDim, int textEmbedDim, int guidanceDim) {
        public static final Shape SD1 = new Shape("sd1", new int[] {32, 64, 64}, new boolean[] {true, true, false}, new int[] {2, 2, 2}, false, 64, 2,
                new int[] {1, 1, 1}, 0, 0, 0);
        /** SD 1.x's rules with an LCM-distilled UNet's guidance embedding (LCM_Dreamshaper_v7's time_cond_proj_dim, narrower). */
        public static final Shape SD1_LCM = new Shape("sd1-lcm", new int[] {32, 64, 64}, new boolean[] {true, true, false}, new int[] {2, 2, 2}, false, 64,
                2, new int[] {1, 1, 1}, 0, 0, 16);
        public static final Shape SD2 = new Shape("sd2", new int[] {32, 64, 64}, new boolean[] {true, true, false}, new int[] {1, 2, 4}, true, 64, 2,
                new int[] {1, 1, 1}, 0, 0, 0);
        /** SDXL's rules: no attention at the first level, deeper transformers below, two encoders' states, added embeddings. */
        public static final Shape SDXL = new Shape("sdxl", new int[] {32, 64, 64}, new boolean[] {false, true, true}, new int[] {1, 2, 4}, true, 128, 2,
                new int[] {1, 2, 3}, 8, 48, 0);
        /** SD 2.1's UNet, which SD-Turbo distils: its real size (865M parameters). */
        public static final Shape SD_TURBO = new Shape("sd-turbo", new int[] {320, 640, 1280, 1280}, new boolean[] {true, true, true, false},
                new int[] {5, 10, 20, 20}, true, 1024, 2, new int[] {1, 1, 1, 1}, 0, 0, 0);
    }

    public static final int CONTEXT_DIM = 64, LATENT_CHANNELS = 4, GROUPS = 32;
    /** An inpainting UNet's input: the latents, the mask, and the masked image's latents. */
    public static final int INPAINTING_CHANNELS = 2 * LATENT_CHANNELS + 1;

    /** A UNet that takes the latents alone. */
    public TinyUNet(Shape shape, GgmlType type, long seed) {
        this(shape, type, seed, LATENT_CHANNELS);
    }

    /** The same UNet as an inpainting model's (the mask and the masked image's latents beside the latents). */
    public TinyUNet inpainting() { return new TinyUNet(shape, type, seed, INPAINTING_CHANNELS); }

    public String name() { return "unet-" + shape.name + (inChannels == LATENT_CHANNELS ? "" : "-inpainting") + "-" + type.name().toLowerCase(); }

    public Path write(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("config.json"), config());
        RandomSafetensors file = new RandomSafetensors(seed, type);
        int[] widths = shape.widths;
        int levels = widths.length, t = 4 * widths[0];
        file.conv("conv_in", widths[0], inChannels, 3);
        file.linear("time_embedding.linear_1", t, widths[0]);
        file.linear("time_embedding.linear_2", t, t);
        if (shape.guidanceDim > 0) file.tensor("time_embedding.cond_proj.weight", 0f, (float) (1 / Math.sqrt(shape.guidanceDim)), widths[0], shape.guidanceDim);
        if (shape.addedTimeDim > 0) {
            file.linear("add_embedding.linear_1", t, shape.textEmbedDim + 6 * shape.addedTimeDim);
            file.linear("add_embedding.linear_2", t, t);
        }
        int channels = widths[0];
        for (int i = 0; i < levels; i++) {
            String p = "down_blocks." + i;
            for (int j = 0; j < shape.layers; j++) {
                resnet(file, p + ".resnets." + j, channels, widths[i], t);
                channels = widths[i];
                if (shape.crossAttention[i]) transformer(file, p + ".attentions." + j, widths[i], shape.depth[i]);
            }
            if (i < levels - 1) file.conv(p + ".downsamplers.0.conv", channels, channels, 3);
        }
        int top = widths[levels - 1];
        resnet(file, "mid_block.resnets.0", top, top, t);
        transformer(file, "mid_block.attentions.0", top, shape.depth[levels - 1]);
        resnet(file, "mid_block.resnets.1", top, top, t);
        int previous = top;
        for (int i = 0; i < levels; i++) {
            int level = levels - 1 - i, out = widths[level], input = widths[Math.max(level - 1, 0)];
            String p = "up_blocks." + i;
            for (int j = 0; j <= shape.layers; j++) {
                int skip = j == shape.layers ? input : out, in = j == 0 ? previous : out;
                resnet(file, p + ".resnets." + j, in + skip, out, t);
                if (shape.crossAttention[level]) transformer(file, p + ".attentions." + j, out, shape.depth[level]);
            }
            if (i < levels - 1) file.conv(p + ".upsamplers.0.conv", out, out, 3);
            previous = out;
        }
        file.norm("conv_norm_out", widths[0]);
        file.conv("conv_out", LATENT_CHANNELS, widths[0], 3);
        file.write(folder.resolve("diffusion_pytorch_model.safetensors"));
        return folder;
    }

    private static void resnet(RandomSafetensors file, String p, int in, int out, int timeDim) {
        file.norm(p + ".norm1", in);
        file.conv(p + ".conv1", out, in, 3);
        file.linear(p + ".time_emb_proj", out, timeDim);
        file.norm(p + ".norm2", out);
        file.conv(p + ".conv2", out, out, 3);
        if (in != out) file.conv(p + ".conv_shortcut", out, in, 1);
    }

    private void transformer(RandomSafetensors file, String p, int c, int depth) {
        file.norm(p + ".norm", c);
        if (shape.linearProjection) file.linear(p + ".proj_in", c, c);
        else file.conv(p + ".proj_in", c, c, 1);
        for (int d = 0; d < depth; d++) block(file, p + ".transformer_blocks." + d + ".", c);
        if (shape.linearProjection) file.linear(p + ".proj_out", c, c);
        else file.conv(p + ".proj_out", c, c, 1);
    }

    /** BasicTransformerBlock: self-attention, cross-attention to the prompt's states, GEGLU feed-forward, each after a LayerNorm. */
    private void block(RandomSafetensors file, String b, int c) {
        file.norm(b + "norm1", c);
        for (String x : List.of("to_q", "to_k", "to_v")) file.tensor(b + "attn1." + x + ".weight", 0f, (float) (1 / Math.sqrt(c)), c, c);
        file.linear(b + "attn1.to_out.0", c, c);
        file.norm(b + "norm2", c);
        file.tensor(b + "attn2.to_q.weight", 0f, (float) (1 / Math.sqrt(c)), c, c);
        for (String x : List.of("to_k", "to_v")) file.tensor(b + "attn2." + x + ".weight", 0f, (float) (1 / Math.sqrt(shape.contextDim)), c, shape.contextDim);
        file.linear(b + "attn2.to_out.0", c, c);
        file.norm(b + "norm3", c);
        file.linear(b + "ff.net.0.proj", 8 * c, c);
        file.linear(b + "ff.net.2", c, 4 * c);
    }

    private String config() {
        int levels = shape.widths.length;
        String down = IntStream.range(0, levels).mapToObj(i -> shape.crossAttention[i] ? "\"CrossAttnDownBlock2D\"" : "\"DownBlock2D\"").collect(Collectors.joining(", "));
        String up = IntStream.range(0, levels).mapToObj(i -> shape.crossAttention[levels - 1 - i] ? "\"CrossAttnUpBlock2D\"" : "\"UpBlock2D\"").collect(Collectors.joining(", "));
        String added = shape.addedTimeDim == 0 ? "" : """
                  "addition_embed_type": "text_time",
                  "addition_time_embed_dim": %d,
                  "projection_class_embeddings_input_dim": %d,
                """.formatted(shape.addedTimeDim, shape.textEmbedDim + 6 * shape.addedTimeDim);
        if (shape.guidanceDim > 0) added += "  \"time_cond_proj_dim\": %d,\n".formatted(shape.guidanceDim);
        return """
                {
                %s  "_class_name": "UNet2DConditionModel",
                  "_diffusers_version": "0.25.1",
                  "act_fn": "silu",
                  "attention_head_dim": [%s],
                  "block_out_channels": [%s],
                  "center_input_sample": false,
                  "cross_attention_dim": %d,
                  "down_block_types": [%s],
                  "downsample_padding": 1,
                  "flip_sin_to_cos": true,
                  "freq_shift": 0,
                  "in_channels": %d,
                  "layers_per_block": %d,
                  "mid_block_scale_factor": 1,
                  "norm_eps": 1e-05,
                  "norm_num_groups": %d,
                  "out_channels": %d,
                  "sample_size": 8,
                  "transformer_layers_per_block": [%s],
                  "up_block_types": [%s],
                  "use_linear_projection": %s
                }
                """.formatted(added, ints(shape.heads), ints(shape.widths), shape.contextDim, down, inChannels, shape.layers, GROUPS, LATENT_CHANNELS,
                ints(shape.depth), up, shape.linearProjection);
    }

    private static String ints(int[] values) {
        return Arrays.stream(values).mapToObj(Integer::toString).collect(Collectors.joining(", "));
    }

    /** Writes the golden UNets into DIR/NAME/ (golden/unet/README.md says how the references were made). */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) throw new IllegalArgumentException("usage: TinyUNet DIR");
        for (Shape s : List.of(Shape.SD1, Shape.SD2)) {
            for (GgmlType t : List.of(GgmlType.F32, GgmlType.F16)) {
                TinyUNet unet = new TinyUNet(s, t, 1);
                System.out.println(unet.write(Path.of(args[0]).resolve(unet.name())));
            }
        }
    }
}
