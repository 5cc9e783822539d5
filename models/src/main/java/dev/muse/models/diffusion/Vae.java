package dev.muse.models.diffusion;

import dev.muse.engine.Ops;
import dev.muse.formats.JsonConfig;
import dev.muse.formats.TensorSource;
import dev.muse.formats.detect.WeightFiles;
import dev.muse.models.nn.Conv2d;
import dev.muse.models.nn.GroupNorm;
import dev.muse.models.nn.PixelAttention;
import dev.muse.models.nn.ResnetBlock;
import dev.muse.models.nn.WeightShapes;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Stable Diffusion's VAE (diffusers' AutoencoderKL) from a diffusers {@code vae/} folder: {@link #decode} turns latents
 * into pixels, {@link #encode} pixels into the latent distribution (for img2img and inpainting). Images and
 * latents are channels-last float arrays; pixels are in [-1, 1] as the model sees them. Latents here are as diffusers'
 * {@code vae.decode} takes them: a pipeline divides its latents by {@link VaeConfig#scalingFactor} first.
 */
public final class Vae implements AutoCloseable {
    private static final float EPS = 1e-6f;
    private static final String[] WEIGHT_FILES = {"diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.fp16.safetensors"};

    private final Ops ops;
    private final VaeConfig c;
    private final TensorSource source;
    private final Half encoder, decoder;
    private final Conv2d quantConv, postQuantConv;

    /** One half of the autoencoder: conv_in, ResNet levels (with down- or upsamplers between them), mid block, norm, conv_out. */
    private record Half(Conv2d convIn, ResnetBlock[][] levels, Conv2d[] resamplers, ResnetBlock mid1, PixelAttention attention,
                        ResnetBlock mid2, GroupNorm normOut, Conv2d convOut) {}

    private Vae(Ops ops, VaeConfig config, TensorSource source) {
        this.ops = ops;
        this.c = config;
        this.source = source;
        WeightShapes w = new WeightShapes(source, ops);
        this.encoder = loadEncoder(w);
        this.decoder = loadDecoder(w);
        int latent = config.latentChannels();
        this.quantConv = w.has("quant_conv.weight") ? Conv2d.load(w, "quant_conv", 2 * latent, 2 * latent, 1, 1) : null;
        this.postQuantConv = w.has("post_quant_conv.weight") ? Conv2d.load(w, "post_quant_conv", latent, latent, 1, 1) : null;
    }

    public static Vae load(Path folder, Ops ops) throws IOException {
        VaeConfig config = VaeConfig.from(JsonConfig.read(folder.resolve("config.json")));
        return WeightFiles.buildFirst(folder, source -> new Vae(ops, config, source), WEIGHT_FILES);
    }

    private Half loadEncoder(WeightShapes w) {
        int[] widths = c.blockOut();
        int levels = widths.length, top = widths[levels - 1], g = c.groups();
        ResnetBlock[][] blocks = new ResnetBlock[levels][];
        Conv2d[] down = new Conv2d[levels - 1];
        int channels = widths[0];
        for (int i = 0; i < levels; i++) {
            blocks[i] = new ResnetBlock[c.layersPerBlock()];
            for (int j = 0; j < blocks[i].length; j++) {
                blocks[i][j] = ResnetBlock.load(w, "encoder.down_blocks." + i + ".resnets." + j, channels, widths[i], g, EPS);
                channels = widths[i];
            }
            if (i < levels - 1) down[i] = Conv2d.downsampler(w, "encoder.down_blocks." + i + ".downsamplers.0.conv", channels);
        }
        return new Half(Conv2d.load(w, "encoder.conv_in", c.inChannels(), widths[0], 3, 1), blocks, down,
                ResnetBlock.load(w, "encoder.mid_block.resnets.0", top, top, g, EPS), PixelAttention.load(w, "encoder.mid_block.attentions.0", top, g, EPS),
                ResnetBlock.load(w, "encoder.mid_block.resnets.1", top, top, g, EPS), GroupNorm.load(w, "encoder.conv_norm_out", top, g, EPS),
                Conv2d.load(w, "encoder.conv_out", top, 2 * c.latentChannels(), 3, 1));
    }

    private Half loadDecoder(WeightShapes w) {
        int[] widths = c.blockOut();
        int levels = widths.length, top = widths[levels - 1], g = c.groups();
        ResnetBlock[][] blocks = new ResnetBlock[levels][];
        Conv2d[] up = new Conv2d[levels - 1];
        int channels = top;
        for (int i = 0; i < levels; i++) {
            int out = widths[levels - 1 - i];
            blocks[i] = new ResnetBlock[c.layersPerBlock() + 1];
            for (int j = 0; j < blocks[i].length; j++) {
                blocks[i][j] = ResnetBlock.load(w, "decoder.up_blocks." + i + ".resnets." + j, channels, out, g, EPS);
                channels = out;
            }
            if (i < levels - 1) up[i] = Conv2d.load(w, "decoder.up_blocks." + i + ".upsamplers.0.conv", channels, channels, 3, 1);
        }
        return new Half(Conv2d.load(w, "decoder.conv_in", c.latentChannels(), top, 3, 1), blocks, up,
                ResnetBlock.load(w, "decoder.mid_block.resnets.0", top, top, g, EPS), PixelAttention.load(w, "decoder.mid_block.attentions.0", top, g, EPS),
                ResnetBlock.load(w, "decoder.mid_block.resnets.1", top, top, g, EPS), GroupNorm.load(w, "decoder.conv_norm_out", widths[0], g, EPS),
                Conv2d.load(w, "decoder.conv_out", widths[0], c.outChannels(), 3, 1));
    }

    public VaeConfig config() { return c; }

    /** Pixels (channels-last, [height * factor][width * factor][outChannels]) for latents of height x width. */
    public float[] decode(float[] latents, int height, int width) {
        check(latents, height, width, c.latentChannels(), "latents");
        float[] x = postQuantConv == null ? latents : postQuantConv.apply(ops, latents, height, width);
        x = decoder.convIn().apply(ops, x, height, width);
        x = mid(decoder, x, height, width);
        int h = height, w = width;
        for (int i = 0; i < decoder.levels().length; i++) {
            for (ResnetBlock block : decoder.levels()[i]) x = block.apply(ops, x, h, w, null);
            if (i < decoder.resamplers().length) {
                x = upsampleNearest(x, h, w, decoder.levels()[i][0].out());
                h *= 2;
                w *= 2;
                x = decoder.resamplers()[i].apply(ops, x, h, w);
            }
        }
        x = decoder.normOut().applySilu(ops, x, h * w);
        return decoder.convOut().apply(ops, x, h, w);
    }

    /**
     * The latent distribution diffusers' {@code DiagonalGaussianDistribution} is: a mean and a log-variance per latent
     * value ([height / factor][width / factor][latentChannels] each), before any scaling factor.
     */
    public record Posterior(float[] mean, float[] logVariance) {
        /** mean + exp(logVariance / 2) * noise, the log-variance clamped to [-30, 20] as diffusers does; noise is unit Gaussian. */
        public float[] sample(float[] noise) {
            if (noise.length != mean.length) throw new IllegalArgumentException(noise.length + " noise values for " + mean.length + " latents");
            float[] out = new float[mean.length];
            for (int i = 0; i < out.length; i++) {
                float std = (float) Math.exp(0.5f * Math.clamp(logVariance[i], -30f, 20f));
                out[i] = mean[i] + std * noise[i];
            }
            return out;
        }
    }

    /** The latent distribution for pixels of height x width (each a multiple of the factor). */
    public Posterior encode(float[] pixels, int height, int width) {
        check(pixels, height, width, c.inChannels(), "pixels");
        if (height % c.factor() != 0 || width % c.factor() != 0)
            throw new IllegalArgumentException("image sides must be multiples of " + c.factor() + ", got " + width + "x" + height);
        float[] x = encoder.convIn().apply(ops, pixels, height, width);
        int h = height, w = width;
        for (int i = 0; i < encoder.levels().length; i++) {
            for (ResnetBlock block : encoder.levels()[i]) x = block.apply(ops, x, h, w, null);
            if (i < encoder.resamplers().length) {
                var shape = encoder.resamplers()[i].shape(h, w);
                x = encoder.resamplers()[i].apply(ops, x, h, w);
                h = shape.outHeight();
                w = shape.outWidth();
            }
        }
        x = mid(encoder, x, h, w);
        x = encoder.normOut().applySilu(ops, x, h * w);
        x = encoder.convOut().apply(ops, x, h, w);
        if (quantConv != null) x = quantConv.apply(ops, x, h, w);
        // the moments are [mean, log-variance] per pixel
        int latent = c.latentChannels();
        float[] mean = new float[h * w * latent], logVariance = new float[h * w * latent];
        for (int p = 0; p < h * w; p++) {
            System.arraycopy(x, p * 2 * latent, mean, p * latent, latent);
            System.arraycopy(x, p * 2 * latent + latent, logVariance, p * latent, latent);
        }
        return new Posterior(mean, logVariance);
    }

    private float[] mid(Half half, float[] x, int h, int w) {
        x = half.mid1().apply(ops, x, h, w, null);
        half.attention().apply(ops, x, h * w);
        return half.mid2().apply(ops, x, h, w, null);
    }

    /** Each pixel repeated into a 2 x 2 square (F.interpolate, nearest, scale 2). */
    static float[] upsampleNearest(float[] x, int h, int w, int channels) {
        float[] y = new float[4 * h * w * channels];
        for (int oy = 0; oy < 2 * h; oy++)
            for (int ox = 0; ox < 2 * w; ox++) System.arraycopy(x, ((oy / 2) * w + ox / 2) * channels, y, (oy * 2 * w + ox) * channels, channels);
        return y;
    }

    private static void check(float[] x, int height, int width, int channels, String what) {
        if (height < 1 || width < 1 || (long) height * width * channels != x.length)
            throw new IllegalArgumentException(what + ": " + x.length + " floats are not " + height + " x " + width + " x " + channels);
    }

    @Override public void close() { source.close(); }
}
