package dev.muse.models.diffusion;

import dev.muse.engine.Ops;
import dev.muse.formats.FormatException;
import dev.muse.formats.JsonConfig;
import dev.muse.formats.TensorSource;
import dev.muse.formats.detect.WeightFiles;
import dev.muse.models.nn.Conv2d;
import dev.muse.models.nn.WeightShapes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * TAESD's decoder (madebyollin's tiny autoencoder, diffusers' AutoencoderTiny) from a diffusers folder: a few plain
 * convolutions that turn latents into a picture some hundred times faster than the VAE, close enough to watch a picture
 * form step by step. It reads the latents as the UNet sees them (scaled, not divided by the VAE's scaling factor).
 * Channels-last, as {@link Vae}; the encoder's weights, if the file has them, are not read.
 */
public final class Taesd implements AutoCloseable {
    private static final String[] WEIGHT_FILES = {"diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.fp16.safetensors"};

    /** One layer of the decoder's sequence: a convolution, a residual block (three convolutions), or a 2x upsampling. */
    private sealed interface Layer permits Convolution, Block, Upsample {}
    private record Convolution(Conv2d conv, boolean relu) implements Layer {}
    private record Block(Conv2d a, Conv2d b, Conv2d c) implements Layer {}
    private record Upsample(int channels) implements Layer {}

    private final Ops ops;
    private final TensorSource source;
    private final List<Layer> layers;
    private final int latentChannels, factor;

    private Taesd(Ops ops, TensorSource source, List<Layer> layers, int latentChannels, int factor) {
        this.ops = ops;
        this.source = source;
        this.layers = layers;
        this.latentChannels = latentChannels;
        this.factor = factor;
    }

    /** Loads an AutoencoderTiny folder (config.json and its safetensors), checking the config against the weights. */
    public static Taesd load(Path folder, Ops ops) throws IOException {
        JsonConfig c = JsonConfig.read(folder.resolve("config.json"));
        String type = c.string("_class_name", "AutoencoderTiny");
        if (!type.equals("AutoencoderTiny")) throw new FormatException(c.where() + ": a " + type + ", not TAESD's AutoencoderTiny");
        if (!c.string("act_fn", "relu").equals("relu")) throw new FormatException(c.where() + ": act_fn " + c.string("act_fn", "") + " is not TAESD's relu");
        if (c.has("upsampling_scaling_factor") && c.integer("upsampling_scaling_factor", 1, 16) != 2) throw new FormatException(c.where() + ": TAESD upsamples by 2");
        int latent = c.integer("latent_channels", 1, 64);
        int[] widths = c.integers("decoder_block_out_channels", 1, 4096, 8);
        int[] blocks = c.integers("num_decoder_blocks", 0, 16, 8);
        if (widths.length != blocks.length) throw new FormatException(c.where() + ": " + widths.length + " decoder widths for " + blocks.length + " block counts");
        int out = c.has("out_channels") ? c.integer("out_channels", 1, 16) : 3;
        return WeightFiles.buildFirst(folder, source -> new Taesd(ops, source, layers(new WeightShapes(source, ops), c, latent, widths, blocks, out), latent,
                1 << (widths.length - 1)), WEIGHT_FILES);
    }

    /** diffusers' DecoderTiny layer by layer, checked against the config. */
    private static List<Layer> layers(WeightShapes w, JsonConfig c, int latent, int[] widths, int[] blocks, int out) {
        List<Layer> layers = new ArrayList<>();
        // diffusers' DecoderTiny: conv, relu, then per level its blocks, an upsampling and a conv (the last one to the picture)
        int index = 0;
        layers.add(new Convolution(Conv2d.load(w, "decoder.layers." + index, latent, widths[0], 3, 1), true));
        index += 2;
        for (int i = 0; i < widths.length; i++) {
            boolean last = i == widths.length - 1;
            int channels = widths[i];
            if (i > 0 && widths[i] != widths[i - 1])
                throw new FormatException(c.where() + ": decoder widths change from " + widths[i - 1] + " to " + widths[i] + " (TAESD's stay the same)");
            for (int b = 0; b < blocks[i]; b++, index++) {
                String p = "decoder.layers." + index + ".conv.";
                layers.add(new Block(Conv2d.load(w, p + "0", channels, channels, 3, 1), Conv2d.load(w, p + "2", channels, channels, 3, 1),
                        Conv2d.load(w, p + "4", channels, channels, 3, 1)));
            }
            if (!last) {
                layers.add(new Upsample(channels));
                index++;
                layers.add(new Convolution(Conv2d.loadWithoutBias(w, "decoder.layers." + index, channels, channels, 3, 1), false));
            } else {
                layers.add(new Convolution(Conv2d.load(w, "decoder.layers." + index, channels, out, 3, 1), false));
            }
            index++;
        }
        return layers;
    }

    /** How many times larger the picture is than its latents on each side. */
    public int factor() { return factor; }

    public int latentChannels() { return latentChannels; }

    /** Pixels in [-1, 1] ([height * factor][width * factor][3]) for scaled latents ([height][width][latentChannels]). */
    public float[] decode(float[] latents, int height, int width) {
        if (height < 1 || width < 1 || (long) height * width * latentChannels != latents.length)
            throw new IllegalArgumentException("latents: " + latents.length + " floats are not " + height + " x " + width + " x " + latentChannels);
        float[] x = new float[latents.length];
        for (int i = 0; i < x.length; i++) x[i] = (float) (Math.tanh(latents[i] / 3.0) * 3); // diffusers' clamp
        int h = height, w = width;
        for (Layer layer : layers) {
            switch (layer) {
                case Convolution conv -> {
                    x = conv.conv().apply(ops, x, h, w);
                    if (conv.relu()) relu(x);
                }
                case Block block -> {
                    float[] y = block.a().apply(ops, x, h, w);
                    relu(y);
                    y = block.b().apply(ops, y, h, w);
                    relu(y);
                    y = block.c().apply(ops, y, h, w);
                    for (int i = 0; i < y.length; i++) y[i] = Math.max(0, y[i] + x[i]);
                    x = y;
                }
                case Upsample up -> {
                    x = Vae.upsampleNearest(x, h, w, up.channels());
                    h *= 2;
                    w *= 2;
                }
            }
        }
        for (int i = 0; i < x.length; i++) x[i] = x[i] * 2 - 1;
        return x;
    }

    private static void relu(float[] x) {
        for (int i = 0; i < x.length; i++) x[i] = Math.max(0, x[i]);
    }

    @Override public void close() { source.close(); }
}
