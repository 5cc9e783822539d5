package dev.muse.testkit;

import dev.muse.engine.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A random-weight AutoencoderKL (Stable Diffusion's VAE) in a diffusers {@code vae/} folder: config.json +
 * diffusion_pytorch_model.safetensors with diffusers' names, encoder and decoder. SD's shape rules (four levels, so
 * eight times the latent's size; 4 latent channels; GroupNorm of 32) at small widths. The same seed gives the same bytes.
 */
public record TinyVae(int[] blockOut, int layersPerBlock, GgmlType type, long seed) {
    public static final int LATENT_CHANNELS = 4, GROUPS = 32;
    public static final float SCALING_FACTOR = 0.18215f;

    /** SD 1.x/2.x's VAE rules: four levels, 8x, at widths 32, 32, 64, 64, one ResNet per level (SD has two). */
    public static TinyVae sd(GgmlType type, long seed) {
        return new TinyVae(new int[] {32, 32, 64, 64}, 1, type, seed);
    }

    public String name() { return "vae-sd-" + type.name().toLowerCase(); }

    public Path write(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("config.json"), config());
        RandomSafetensors file = new RandomSafetensors(seed, type);
        int levels = blockOut.length, top = blockOut[levels - 1];
        // encoder: conv_in, down blocks (a downsampler on all but the last), mid block, norm, conv_out to mean and log-variance
        file.conv("encoder.conv_in", blockOut[0], 3, 3);
        int channels = blockOut[0];
        for (int i = 0; i < levels; i++) {
            for (int j = 0; j < layersPerBlock; j++) {
                resnet(file, "encoder.down_blocks." + i + ".resnets." + j, channels, blockOut[i]);
                channels = blockOut[i];
            }
            if (i < levels - 1) file.conv("encoder.down_blocks." + i + ".downsamplers.0.conv", channels, channels, 3);
        }
        midBlock(file, "encoder.mid_block", top);
        file.norm("encoder.conv_norm_out", top);
        file.conv("encoder.conv_out", 2 * LATENT_CHANNELS, top, 3);
        // decoder: conv_in, mid block, up blocks (one more ResNet each, an upsampler on all but the last), norm, conv_out
        file.conv("decoder.conv_in", top, LATENT_CHANNELS, 3);
        midBlock(file, "decoder.mid_block", top);
        channels = top;
        for (int i = 0; i < levels; i++) {
            int out = blockOut[levels - 1 - i];
            for (int j = 0; j <= layersPerBlock; j++) {
                resnet(file, "decoder.up_blocks." + i + ".resnets." + j, channels, out);
                channels = out;
            }
            if (i < levels - 1) file.conv("decoder.up_blocks." + i + ".upsamplers.0.conv", channels, channels, 3);
        }
        file.norm("decoder.conv_norm_out", blockOut[0]);
        file.conv("decoder.conv_out", 3, blockOut[0], 3);
        file.conv("quant_conv", 2 * LATENT_CHANNELS, 2 * LATENT_CHANNELS, 1);
        file.conv("post_quant_conv", LATENT_CHANNELS, LATENT_CHANNELS, 1);
        file.write(folder.resolve("diffusion_pytorch_model.safetensors"));
        return folder;
    }

    /** diffusers' ResnetBlock2D without a time embedding: norm1, conv1, norm2, conv2, a 1x1 shortcut when widths differ. */
    private static void resnet(RandomSafetensors file, String p, int in, int out) {
        file.norm(p + ".norm1", in);
        file.conv(p + ".conv1", out, in, 3);
        file.norm(p + ".norm2", out);
        file.conv(p + ".conv2", out, out, 3);
        if (in != out) file.conv(p + ".conv_shortcut", out, in, 1);
    }

    /** UNetMidBlock2D as the VAE has it: ResNet, single-head self-attention over the pixels, ResNet. */
    private static void midBlock(RandomSafetensors file, String p, int channels) {
        resnet(file, p + ".resnets.0", channels, channels);
        file.norm(p + ".attentions.0.group_norm", channels);
        for (String proj : List.of("to_q", "to_k", "to_v", "to_out.0")) file.linear(p + ".attentions.0." + proj, channels, channels);
        resnet(file, p + ".resnets.1", channels, channels);
    }

    private String config() {
        String levels = Arrays.stream(blockOut).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        String down = String.join(", ", java.util.Collections.nCopies(blockOut.length, "\"DownEncoderBlock2D\""));
        String up = String.join(", ", java.util.Collections.nCopies(blockOut.length, "\"UpDecoderBlock2D\""));
        return """
                {
                  "_class_name": "AutoencoderKL",
                  "_diffusers_version": "0.25.1",
                  "act_fn": "silu",
                  "block_out_channels": [%s],
                  "down_block_types": [%s],
                  "in_channels": 3,
                  "latent_channels": %d,
                  "layers_per_block": %d,
                  "norm_num_groups": %d,
                  "out_channels": 3,
                  "sample_size": 64,
                  "scaling_factor": %s,
                  "up_block_types": [%s]
                }
                """.formatted(levels, down, LATENT_CHANNELS, layersPerBlock, GROUPS, SCALING_FACTOR, up);
    }

    /** Writes the golden VAEs into DIR/NAME/ (golden/vae/README.md says how the references were made). */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) throw new IllegalArgumentException("usage: TinyVae DIR");
        for (GgmlType t : List.of(GgmlType.F32, GgmlType.F16)) {
            TinyVae vae = sd(t, 1);
            System.out.println(vae.write(Path.of(args[0]).resolve(vae.name())));
        }
    }
}
