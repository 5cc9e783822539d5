package dev.muse.models.diffusion;

import dev.muse.engine.Ops;
import dev.muse.engine.Parallel;
import dev.muse.engine.Tensor;
import dev.muse.formats.JsonConfig;
import dev.muse.formats.TensorSource;
import dev.muse.formats.detect.WeightFiles;
import dev.muse.models.nn.Bias;
import dev.muse.models.nn.Conv2d;
import dev.muse.models.nn.GroupNorm;
import dev.muse.models.nn.ResnetBlock;
import dev.muse.models.nn.SpatialTransformer;
import dev.muse.models.nn.WeightShapes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Stable Diffusion's denoiser (diffusers' UNet2DConditionModel, SD 1.x/2.x and their distilled descendants) from a diffusers
 * {@code unet/} folder: {@link #predict} gives the model's output (noise, or v for v-prediction models) for latents at a
 * timestep, conditioned on the text encoder's states. A sinusoidal time embedding through two Linear layers feeds every
 * ResNet; levels of ResNets (and spatial transformers on the CrossAttn levels) go down with stride-2 convolutions, through a
 * mid block, and up again with nearest-neighbour upsampling, each up ResNet taking the matching down output beside its input.
 */
public final class UNet implements AutoCloseable {
    private static final String[] WEIGHT_FILES = {"diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.fp16.safetensors"};

    private final Ops ops;
    private final UNetConfig c;
    private final TensorSource source;
    private final Tensor time1, time1Bias, time2, time2Bias;
    /** SDXL's added embeddings (add_embedding.linear_1, linear_2), or null. */
    private final Tensor added1, added1Bias, added2, added2Bias;
    /** An LCM-distilled UNet's projection of the guidance embedding into the timestep's sinusoid (time_embedding.cond_proj), or null. */
    private final Tensor condProj;
    private final Conv2d convIn, convOut;
    private final Level[] down, up;
    private final ResnetBlock mid1, mid2;
    private final SpatialTransformer midTransformer;
    private final GroupNorm normOut;

    /** One level: its ResNets, each followed by a transformer on CrossAttn levels (else null), then a down- or upsampler (or null). */
    private record Level(ResnetBlock[] resnets, SpatialTransformer[] transformers, Conv2d resampler) {}

    private UNet(Ops ops, UNetConfig config, TensorSource source) {
        this.ops = ops;
        this.c = config;
        this.source = source;
        WeightShapes w = new WeightShapes(source, ops);
        int[] widths = config.blockOut();
        int levels = widths.length, t = config.timeDim(), g = config.groups();
        float eps = config.normEps();
        time1 = w.matrix("time_embedding.linear_1.weight", t, widths[0]);
        time1Bias = w.vector("time_embedding.linear_1.bias", t);
        time2 = w.matrix("time_embedding.linear_2.weight", t, t);
        time2Bias = w.vector("time_embedding.linear_2.bias", t);
        boolean added = config.addedTimeDim() > 0;
        added1 = added ? w.matrix("add_embedding.linear_1.weight", t, config.addedInputDim()) : null;
        added1Bias = added ? w.vector("add_embedding.linear_1.bias", t) : null;
        added2 = added ? w.matrix("add_embedding.linear_2.weight", t, t) : null;
        added2Bias = added ? w.vector("add_embedding.linear_2.bias", t) : null;
        condProj = config.embedsGuidance() ? w.matrix("time_embedding.cond_proj.weight", widths[0], config.timeCondProjDim()) : null;
        convIn = Conv2d.load(w, "conv_in", config.inChannels(), widths[0], 3, 1);
        down = new Level[levels];
        int channels = widths[0];
        for (int i = 0; i < levels; i++) {
            String p = "down_blocks." + i;
            ResnetBlock[] resnets = new ResnetBlock[config.layersPerBlock()];
            SpatialTransformer[] transformers = new SpatialTransformer[resnets.length];
            for (int j = 0; j < resnets.length; j++) {
                resnets[j] = ResnetBlock.load(w, p + ".resnets." + j, channels, widths[i], g, eps, t);
                channels = widths[i];
                if (config.crossAttention()[i]) transformers[j] = transformer(w, p + ".attentions." + j, i);
            }
            Conv2d downsampler = i < levels - 1 ? Conv2d.load(w, p + ".downsamplers.0.conv", channels, channels, 3, 2) : null;
            down[i] = new Level(resnets, transformers, downsampler);
        }
        int top = widths[levels - 1];
        mid1 = ResnetBlock.load(w, "mid_block.resnets.0", top, top, g, eps, t);
        midTransformer = transformer(w, "mid_block.attentions.0", levels - 1);
        mid2 = ResnetBlock.load(w, "mid_block.resnets.1", top, top, g, eps, t);
        up = new Level[levels];
        int previous = top;
        for (int i = 0; i < levels; i++) {
            int level = levels - 1 - i, out = widths[level], input = widths[Math.max(level - 1, 0)];
            String p = "up_blocks." + i;
            ResnetBlock[] resnets = new ResnetBlock[config.layersPerBlock() + 1];
            SpatialTransformer[] transformers = new SpatialTransformer[resnets.length];
            for (int j = 0; j < resnets.length; j++) {
                // the skip taken is the matching down output: the level's own width, or the level below's for the last
                int skip = j == resnets.length - 1 ? input : out, in = j == 0 ? previous : out;
                resnets[j] = ResnetBlock.load(w, p + ".resnets." + j, in + skip, out, g, eps, t);
                if (config.crossAttention()[level]) transformers[j] = transformer(w, p + ".attentions." + j, level);
            }
            Conv2d upsampler = i < levels - 1 ? Conv2d.load(w, p + ".upsamplers.0.conv", out, out, 3, 1) : null;
            up[i] = new Level(resnets, transformers, upsampler);
            previous = out;
        }
        normOut = GroupNorm.load(w, "conv_norm_out", widths[0], g, eps);
        convOut = Conv2d.load(w, "conv_out", widths[0], config.outChannels(), 3, 1);
    }

    private SpatialTransformer transformer(WeightShapes w, String prefix, int level) {
        return SpatialTransformer.load(w, prefix, c.blockOut()[level], c.heads()[level], c.contextDim(), c.transformerDepth()[level], c.groups());
    }

    public static UNet load(Path folder, Ops ops) throws IOException {
        UNetConfig config = UNetConfig.from(JsonConfig.read(folder.resolve("config.json")));
        return WeightFiles.buildFirst(folder, source -> new UNet(ops, config, source), WEIGHT_FILES);
    }

    public UNetConfig config() { return c; }

    /** Latent sides must be multiples of this: every downsampling halves them exactly. */
    public int sideMultiple() { return 1 << (c.levels() - 1); }

    /**
     * The model's output for latents (channels-last, height x width x inChannels) at {@code timestep}, given the prompt's
     * states ({@code tokens} x contextDim): channels-last, height x width x outChannels.
     */
    public float[] predict(float[] latents, int height, int width, double timestep, float[] context, int tokens) {
        return predict(latents, height, width, timestep, context, tokens, null);
    }

    /**
     * SDXL's added conditions, which its UNet adds to the time embedding: the second text encoder's pooled embedding and
     * the six numbers original height and width, crop top and left, target height and width.
     */
    public record Added(float[] textEmbeds, float[] timeIds) {
        public Added {
            if (timeIds.length != 6) throw new IllegalArgumentException("time ids are six numbers, got " + timeIds.length);
        }
    }

    /** As above, with SDXL's added conditions (required by a UNet that has added embeddings, refused by one that has none). */
    public float[] predict(float[] latents, int height, int width, double timestep, float[] context, int tokens, Added added) {
        return predict(latents, height, width, timestep, context, tokens, added, null);
    }

    /**
     * As above, with an LCM-distilled UNet's {@link #guidanceEmbedding} (required by a UNet that embeds guidance, refused
     * by one that does not).
     */
    public float[] predict(float[] latents, int height, int width, double timestep, float[] context, int tokens, Added added,
                           float[] guidance) {
        if ((guidance != null) != c.embedsGuidance())
            throw new IllegalArgumentException(guidance == null ? "this UNet takes the guidance scale's embedding" : "this UNet embeds no guidance");
        if (guidance != null && guidance.length != c.timeCondProjDim())
            throw new IllegalArgumentException("a guidance embedding of " + guidance.length + ", not " + c.timeCondProjDim());
        if ((added != null) != (c.addedTimeDim() > 0))
            throw new IllegalArgumentException(added == null ? "this UNet takes added conditions (text embeds and time ids)" : "this UNet takes no added conditions");
        if (added != null && added.textEmbeds().length != c.textEmbedDim())
            throw new IllegalArgumentException(added.textEmbeds().length + " text embeds, not " + c.textEmbedDim());
        if (height < 1 || width < 1 || height % sideMultiple() != 0 || width % sideMultiple() != 0)
            throw new IllegalArgumentException("latent sides must be positive multiples of " + sideMultiple() + ", got " + width + "x" + height);
        if (latents.length != height * width * c.inChannels()) throw new IllegalArgumentException(latents.length + " floats are not " + height + " x " + width + " x " + c.inChannels());
        if (tokens < 1 || context.length != tokens * c.contextDim()) throw new IllegalArgumentException(context.length + " floats are not " + tokens + " x " + c.contextDim() + " prompt states");
        float[] time = siluTimeEmbedding(timestep, added, guidance);
        int h = height, w = width;
        float[] x = convIn.apply(ops, latents, h, w);
        Deque<float[]> skips = new ArrayDeque<>();
        skips.push(x);
        for (Level level : down) {
            for (int j = 0; j < level.resnets().length; j++) {
                x = level.resnets()[j].apply(ops, x, h, w, time);
                if (level.transformers()[j] != null) level.transformers()[j].apply(ops, x, h * w, context, tokens);
                skips.push(x);
            }
            if (level.resampler() != null) {
                x = level.resampler().apply(ops, x, h, w);
                h /= 2;
                w /= 2;
                skips.push(x);
            }
        }
        x = mid1.apply(ops, x, h, w, time);
        midTransformer.apply(ops, x, h * w, context, tokens);
        x = mid2.apply(ops, x, h, w, time);
        for (Level level : up) {
            for (int j = 0; j < level.resnets().length; j++) {
                x = level.resnets()[j].apply(ops, concatChannels(x, skips.pop(), h * w), h, w, time);
                if (level.transformers()[j] != null) level.transformers()[j].apply(ops, x, h * w, context, tokens);
            }
            if (level.resampler() != null) {
                x = Vae.upsampleNearest(x, h, w, level.resnets()[0].out());
                h *= 2;
                w *= 2;
                x = level.resampler().apply(ops, x, h, w);
            }
        }
        x = normOut.applySilu(ops, x, h * w);
        return convOut.apply(ops, x, h, w);
    }

    /**
     * silu(time_embedding(timesteps(t)) [+ add_embedding(text embeds, timesteps(time ids))]): diffusers'
     * get_timestep_embedding with flip_sin_to_cos (cosines first) and freq_shift, in float32 as PyTorch computes it, then
     * linear_1, SiLU, linear_2; SDXL's added embedding (the same MLP over the pooled text embedding and each time id's
     * sinusoid) is added to it; the trailing SiLU is the one every ResNet applies before its projection.
     */
    float[] siluTimeEmbedding(double timestep, Added added, float[] guidance) {
        int t = c.timeDim(), d0 = c.blockOut()[0];
        float[] sample = sinusoid(timestep, d0);
        if (guidance != null) { // TimestepEmbedding's condition: sample + cond_proj(condition), before linear_1
            float[] projected = new float[d0];
            ops.matmul(condProj, guidance, 1, projected, d0, guidance.length);
            ops.add(sample, 0, sample, 0, projected, 0, d0);
        }
        float[] emb = mlp(sample, time1, time1Bias, time2, time2Bias);
        if (added != null) {
            int d = c.addedTimeDim(), text = added.textEmbeds().length;
            float[] input = java.util.Arrays.copyOf(added.textEmbeds(), text + 6 * d);
            for (int i = 0; i < 6; i++) System.arraycopy(sinusoid(added.timeIds()[i], d), 0, input, text + i * d, d);
            float[] extra = mlp(input, added1, added1Bias, added2, added2Bias);
            for (int i = 0; i < t; i++) emb[i] += extra[i];
        }
        ops.silu(emb, 0, t);
        return emb;
    }

    /**
     * The guidance scale g as an LCM-distilled UNet takes it: diffusers' get_guidance_scale_embedding of w = g - 1 (times
     * 1000), sines then cosines, in float32 as PyTorch computes it (a zero last when the width is odd).
     */
    public float[] guidanceEmbedding(double guidance) {
        int dim = c.timeCondProjDim(), half = dim / 2;
        float w = (float) guidance - 1f, scaled = w * 1000f, step = (float) Math.log(10000) / (half - 1);
        float[] out = new float[dim];
        for (int i = 0; i < half; i++) {
            float angle = scaled * (float) Math.exp((float) i * -step);
            out[i] = (float) Math.sin(angle);
            out[half + i] = (float) Math.cos(angle);
        }
        return out;
    }

    /** linear_2(silu(linear_1(x))), diffusers' TimestepEmbedding. */
    private float[] mlp(float[] x, Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
        int t = c.timeDim();
        float[] hidden = new float[t], out = new float[t];
        ops.matmul(w1, x, 1, hidden, t, x.length);
        Bias.add(ops, hidden, b1, 1, t);
        ops.silu(hidden, 0, t);
        ops.matmul(w2, hidden, 1, out, t, t);
        Bias.add(ops, out, b2, 1, t);
        return out;
    }

    /** get_timestep_embedding of one value: dim sinusoids, cosines first with flip_sin_to_cos, in float32 as PyTorch. */
    private float[] sinusoid(double value, int dim) {
        int half = dim / 2;
        float[] out = new float[dim];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (-Math.log(10000) * i / (half - c.freqShift()));
            float angle = (float) value * (float) Math.exp(exponent);
            float sin = (float) Math.sin(angle), cos = (float) Math.cos(angle);
            out[i] = c.flipSinToCos() ? cos : sin;
            out[half + i] = c.flipSinToCos() ? sin : cos;
        }
        return out;
    }

    /** torch.cat([x, skip], dim=1) for channels-last pixels: each pixel's x channels, then its skip channels. */
    private static float[] concatChannels(float[] x, float[] skip, int pixels) {
        int a = x.length / pixels, b = skip.length / pixels;
        float[] out = new float[pixels * (a + b)];
        Parallel.forRange(pixels, p -> {
            System.arraycopy(x, p * a, out, p * (a + b), a);
            System.arraycopy(skip, p * b, out, p * (a + b) + a, b);
        });
        return out;
    }

    @Override public void close() { source.close(); }
}
