package dev.muse.testkit;

import dev.muse.engine.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A random-weight TAESD (diffusers' AutoencoderTiny) folder: config.json + diffusion_pytorch_model.safetensors with
 * diffusers' names, decoder and encoder, in TAESD's shape rules (four levels, so eight times the latent's size; 4 latent
 * channels; ReLU) at a small width. The same seed gives the same bytes.
 */
public record TinyTaesd(int width, int[] decoderBlocks, GgmlType type, long seed) {
    public static final int LATENT_CHANNELS = 4;

    /** TAESD's rules at width 16 with one block per level (the real one: 64 wide, 3, 3, 3, 1 blocks). */
    public static TinyTaesd sd(GgmlType type, long seed) {
        return new TinyTaesd(16, new int[] {1, 1, 2, 1}, type, seed);
    }

    public Path write(Path folder) throws IOException {
        Files.createDirectories(folder);
        String widths = Arrays.stream(decoderBlocks).mapToObj(b -> Integer.toString(width)).collect(Collectors.joining(", ", "[", "]"));
        Files.writeString(folder.resolve("config.json"), """
                {
                  "_class_name": "AutoencoderTiny",
                  "_diffusers_version": "0.25.1",
                  "act_fn": "relu",
                  "decoder_block_out_channels": %s,
                  "encoder_block_out_channels": %s,
                  "force_upcast": false,
                  "in_channels": 3,
                  "latent_channels": %d,
                  "latent_magnitude": 3,
                  "latent_shift": 0.5,
                  "num_decoder_blocks": %s,
                  "num_encoder_blocks": [1, 1, 1, 1],
                  "out_channels": 3,
                  "scaling_factor": 1.0,
                  "upsampling_scaling_factor": 2
                }
                """.formatted(widths, widths, LATENT_CHANNELS, Arrays.toString(decoderBlocks)));
        RandomSafetensors file = new RandomSafetensors(seed, type);
        // encoder (EncoderTiny): conv in, then per level a stride-2 conv (bias=False) but on the first, its blocks; conv out
        int index = 0;
        for (int level = 0; level < 4; level++) {
            if (level == 0) file.conv("encoder.layers." + index++, width, 3, 3);
            else file.tensor("encoder.layers." + index++ + ".weight", 0f, (float) (1 / Math.sqrt(width * 9)), width, width, 3, 3);
            block(file, "encoder.layers." + index++, width);
        }
        file.conv("encoder.layers." + index, LATENT_CHANNELS, width, 3);
        // decoder (DecoderTiny): conv in, relu, then per level its blocks, an upsampling and a conv (bias=False but the last)
        index = 0;
        file.conv("decoder.layers." + index, width, LATENT_CHANNELS, 3);
        index += 2;
        for (int level = 0; level < decoderBlocks.length; level++) {
            for (int b = 0; b < decoderBlocks[level]; b++) block(file, "decoder.layers." + index++, width);
            if (level < decoderBlocks.length - 1) {
                index++; // the upsampling
                file.tensor("decoder.layers." + index++ + ".weight", 0f, (float) (1 / Math.sqrt(width * 9)), width, width, 3, 3);
            } else {
                file.conv("decoder.layers." + index++, 3, width, 3);
            }
        }
        file.write(folder.resolve("diffusion_pytorch_model.safetensors"));
        return folder;
    }

    /** AutoencoderTinyBlock: conv, relu, conv, relu, conv (indices 0, 2, 4), plus the input, then relu. */
    private static void block(RandomSafetensors file, String prefix, int channels) {
        for (int i : new int[] {0, 2, 4}) file.conv(prefix + ".conv." + i, channels, channels, 3);
    }
}
