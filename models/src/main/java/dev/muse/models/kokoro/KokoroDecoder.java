package dev.muse.models.kokoro;

import dev.muse.engine.Ops;
import dev.muse.models.nn.AdainResBlk1d;
import dev.muse.models.nn.Conv1d;
import dev.muse.models.nn.Scratch;
import dev.muse.models.nn.WeightShapes;

/**
 * Kokoro's decoder (StyleTTS 2's): the aligned text features (channels-last, one row per frame), the F0 and energy curves
 * (two values per frame) and a style vector become audio. The curves are halved by strided convolutions and joined to
 * the features; an AdaIN residual block encodes them, four more decode them with the curves and a projection of the
 * features joined again before each (the last doubles the frames), and the {@link IstftNet} generator makes the samples,
 * driven by the full-rate F0 curve. Kokoro's widths are 1024 (hidden), 512 (out) and 64 (residual).
 */
public final class KokoroDecoder {
    /** Widths: the features', the style's, the blocks' hidden and output ones, the feature projection's, and the generator. */
    public record Config(int in, int style, int hidden, int out, int residual, IstftNet.Config generator) {}

    private final Config config;
    private final Conv1d f0Conv, energyConv, residual;
    private final AdainResBlk1d encode;
    private final AdainResBlk1d[] decode;
    private final IstftNet generator;

    private KokoroDecoder(Config config, Conv1d f0Conv, Conv1d energyConv, Conv1d residual, AdainResBlk1d encode, AdainResBlk1d[] decode,
                          IstftNet generator) {
        this.config = config;
        this.f0Conv = f0Conv;
        this.energyConv = energyConv;
        this.residual = residual;
        this.encode = encode;
        this.decode = decode;
        this.generator = generator;
    }

    /** Loads the decoder under {@code prefix} (Kokoro: decoder) with PyTorch's module names. */
    public static KokoroDecoder load(WeightShapes w, String prefix, Config c) {
        int joined = c.hidden() + c.residual() + 2;
        AdainResBlk1d[] decode = new AdainResBlk1d[4];
        for (int i = 0; i < 4; i++)
            decode[i] = AdainResBlk1d.load(w, prefix + ".decode." + i, joined, i == 3 ? c.out() : c.hidden(), c.style(), i == 3);
        return new KokoroDecoder(c, Conv1d.load(w, prefix + ".F0_conv", 1, 1, 3, 2, 1, 1), Conv1d.load(w, prefix + ".N_conv", 1, 1, 3, 2, 1, 1),
                Conv1d.load(w, prefix + ".asr_res.0", c.in(), c.residual(), 1, 1, 1, 0),
                AdainResBlk1d.load(w, prefix + ".encode", c.in() + 2, c.hidden(), c.style(), false), decode,
                IstftNet.load(w, prefix + ".generator", c.generator()));
    }

    public IstftNet generator() { return generator; }

    /**
     * The generator's input: [2 x frames, out] for features [frames, in], the F0 and energy curves of 2 x frames values,
     * and style s.
     */
    public float[] features(Ops ops, float[] features, int frames, float[] f0, float[] energy, float[] s) {
        if (f0.length != 2 * frames || energy.length != 2 * frames)
            throw new IllegalArgumentException("F0 and energy curves of " + f0.length + " and " + energy.length + " values for " + frames + " frames");
        float[] f0Half = f0Conv.apply(ops, f0, 2 * frames), energyHalf = energyConv.apply(ops, energy, 2 * frames);
        float[] x = encode.apply(ops, join(features, config.in(), null, 0, f0Half, energyHalf, frames), frames, s);
        float[] projected = residual.apply(ops, features, frames);
        boolean joining = true;
        int steps = frames;
        for (AdainResBlk1d block : decode) {
            if (joining) x = join(x, config.hidden(), projected, config.residual(), f0Half, energyHalf, frames);
            x = block.apply(ops, x, steps, s);
            if (block.upsamples()) {
                steps *= 2;
                joining = false;
            }
        }
        return x;
    }

    /**
     * Audio for features [frames, in], F0 and energy curves of 2 x frames values, style s, and the harmonic source's
     * random numbers ({@link HarmonicSource#apply}, over the F0 curve).
     */
    public float[] apply(Ops ops, float[] features, int frames, float[] f0, float[] energy, float[] s, float[] phases, float[] noise) {
        return apply(ops, features, frames, f0, energy, s, phases, noise, IstftNet.scratch());
    }

    /** The same, the generator working in {@code scratch} (one per speech: see {@link IstftNet#scratch}). */
    public float[] apply(Ops ops, float[] features, int frames, float[] f0, float[] energy, float[] s, float[] phases, float[] noise,
                         Scratch scratch) {
        return generator.apply(ops, features(ops, features, frames, f0, energy, s), 2 * frames, s, f0, phases, noise, scratch);
    }

    /** Per row: a's channels, then b's (when given), then one F0 and one energy value. */
    private static float[] join(float[] a, int aWidth, float[] b, int bWidth, float[] f0, float[] energy, int rows) {
        int width = aWidth + bWidth + 2;
        float[] out = new float[rows * width];
        for (int t = 0; t < rows; t++) {
            System.arraycopy(a, t * aWidth, out, t * width, aWidth);
            if (b != null) System.arraycopy(b, t * bWidth, out, t * width + aWidth, bWidth);
            out[t * width + aWidth + bWidth] = f0[t];
            out[t * width + aWidth + bWidth + 1] = energy[t];
        }
        return out;
    }
}
