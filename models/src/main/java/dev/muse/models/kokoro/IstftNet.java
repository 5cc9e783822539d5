package dev.muse.models.kokoro;

import dev.muse.engine.Ops;
import dev.muse.media.Stft;
import dev.muse.models.nn.AdaInResBlock1;
import dev.muse.models.nn.Conv1d;
import dev.muse.models.nn.ConvTranspose1d;
import dev.muse.models.nn.Scratch;
import dev.muse.models.nn.WeightShapes;

/**
 * StyleTTS 2's ISTFTNet generator, Kokoro's vocoder: decoder features (channels-last, one row per frame) and a style
 * vector become audio. Each stage applies a leaky ReLU, upsamples with a transposed convolution, adds the harmonic
 * source's spectrum brought to that rate (a strided convolution and an AdaIN residual block), and averages the
 * stage's AdaIN residual blocks; a last convolution gives a log-magnitude and a phase per bin, which the inverse STFT
 * turns into samples.
 */
public final class IstftNet {
    /** The generator's shape, as Kokoro's config.json gives it under "istftnet" (with the style width). */
    public record Config(int style, int[] resblockKernels, int[][] resblockDilations, int[] upsampleRates, int[] upsampleKernels,
                         int initialChannels, int nFft, int hop, int sampleRate) {
        /** Audio samples per input frame. */
        public int upsample() {
            int product = hop;
            for (int r : upsampleRates) product *= r;
            return product;
        }
    }

    private final Config config;
    private final HarmonicSource source;
    private final ConvTranspose1d[] ups;
    private final Conv1d[] noiseConvs;
    private final AdaInResBlock1[] noiseRes, resblocks;
    private final Conv1d post;
    private final Stft stft;

    private IstftNet(Config config, HarmonicSource source, ConvTranspose1d[] ups, Conv1d[] noiseConvs, AdaInResBlock1[] noiseRes,
                     AdaInResBlock1[] resblocks, Conv1d post) {
        this.config = config;
        this.source = source;
        this.ups = ups;
        this.noiseConvs = noiseConvs;
        this.noiseRes = noiseRes;
        this.resblocks = resblocks;
        this.post = post;
        this.stft = new Stft(config.nFft(), config.hop());
    }

    /** Loads the generator under {@code prefix} (Kokoro: decoder.generator) with PyTorch's module names. */
    public static IstftNet load(WeightShapes w, String prefix, Config c) {
        int stages = c.upsampleRates().length, kernels = c.resblockKernels().length, spectrum = c.nFft() + 2;
        ConvTranspose1d[] ups = new ConvTranspose1d[stages];
        Conv1d[] noiseConvs = new Conv1d[stages];
        AdaInResBlock1[] noiseRes = new AdaInResBlock1[stages], resblocks = new AdaInResBlock1[stages * kernels];
        int channels = c.initialChannels();
        for (int i = 0; i < stages; i++) {
            int rate = c.upsampleRates()[i], kernel = c.upsampleKernels()[i], next = channels / 2;
            ups[i] = ConvTranspose1d.load(w, prefix + ".ups." + i, channels, next, kernel, rate, (kernel - rate) / 2);
            for (int j = 0; j < kernels; j++)
                resblocks[i * kernels + j] = AdaInResBlock1.load(w, prefix + ".resblocks." + (i * kernels + j), next, c.resblockKernels()[j],
                        c.resblockDilations()[j], c.style());
            if (i + 1 < stages) {
                int stride = 1;
                for (int k = i + 1; k < stages; k++) stride *= c.upsampleRates()[k];
                noiseConvs[i] = Conv1d.load(w, prefix + ".noise_convs." + i, spectrum, next, 2 * stride, stride, 1, (stride + 1) / 2);
                noiseRes[i] = AdaInResBlock1.load(w, prefix + ".noise_res." + i, next, 7, new int[] {1, 3, 5}, c.style());
            } else {
                noiseConvs[i] = Conv1d.load(w, prefix + ".noise_convs." + i, spectrum, next, 1, 1, 1, 0);
                noiseRes[i] = AdaInResBlock1.load(w, prefix + ".noise_res." + i, next, 11, new int[] {1, 3, 5}, c.style());
            }
            channels = next;
        }
        Conv1d post = Conv1d.load(w, prefix + ".conv_post", channels, spectrum, 7, 1, 1, 3);
        return new IstftNet(c, HarmonicSource.load(w, prefix, c.sampleRate(), c.upsample()), ups, noiseConvs, noiseRes, resblocks, post);
    }

    /**
     * Audio for {@code frames} rows of features x ([frames, initial channels]) with style s and an F0 curve of as many
     * frames; {@code phases} and {@code noise} are the harmonic source's random numbers ({@link HarmonicSource#apply}).
     */
    public float[] apply(Ops ops, float[] x, int frames, float[] s, float[] f0, float[] phases, float[] noise) {
        return apply(ops, x, frames, s, f0, phases, noise, scratch());
    }

    /** {@link #apply(Ops, float[], int, float[], float[], float[], float[])} in a speech's shared working arrays. */
    public float[] apply(Ops ops, float[] x, int frames, float[] s, float[] f0, float[] phases, float[] noise, Scratch scratch) {
        return generate(ops, x, frames, s, sourceFeatures(source.apply(f0, phases, noise)), scratch);
    }

    /** The harmonic source's excitation for an F0 curve (see {@link HarmonicSource#apply}). */
    public float[] excitation(float[] f0, float[] phases, float[] noise) {
        return source.apply(f0, phases, noise);
    }

    /**
     * What the generator reads of the excitation: per STFT frame, each bin's magnitude then each bin's phase
     * ([frames, 2 x bins]). Where a frame's windowed samples are symmetric (the first, by the reflect padding) a bin's
     * imaginary part is rounding noise and its phase may be pi or -pi, as in PyTorch.
     */
    public float[] sourceFeatures(float[] excitation) {
        int bins = stft.bins(), spectrumFrames = stft.frames(excitation.length);
        float[] complex = stft.forward(excitation), har = new float[spectrumFrames * 2 * bins];
        for (int f = 0; f < spectrumFrames; f++)
            for (int k = 0; k < bins; k++) {
                float re = complex[2 * (f * bins + k)], im = complex[2 * (f * bins + k) + 1];
                har[f * 2 * bins + k] = (float) Math.hypot(re, im);
                har[f * 2 * bins + bins + k] = (float) Math.atan2(im, re);
            }
        return har;
    }

    /** Audio from the features x ([frames, initial channels]), style s, and the source's {@link #sourceFeatures}. */
    public float[] generate(Ops ops, float[] features, int frames, float[] s, float[] har) {
        return generate(ops, features, frames, s, har, scratch());
    }

    /** Working arrays for {@link #generate}: a speech's pieces share one (the generator's stages are tens of megabytes). */
    public static Scratch scratch() {
        return new Scratch(SLOTS);
    }

    private static final int FROM_SOURCE = 0, UPSAMPLED = 1, MEAN = 2, BLOCK = 3, SLOTS = 6; // BLOCK..BLOCK+2: a residual block's layers

    /** {@link #generate(Ops, float[], int, float[], float[])} with its stages' arrays taken from {@code scratch}. */
    public float[] generate(Ops ops, float[] features, int frames, float[] s, float[] har, Scratch scratch) {
        float[] x = features.clone(); // the stages work in place
        int bins = stft.bins(), spectrumFrames = har.length / (2 * bins);
        int steps = frames, kernels = config.resblockKernels().length;
        for (int i = 0; i < ups.length; i++) {
            leakyRelu(x, steps * ups[i].in(), 0.1f);
            int sourceSteps = noiseConvs[i].shape(spectrumFrames).outSteps(), channels = ups[i].out(), n = sourceSteps * channels;
            float[] fromSource = noiseConvs[i].apply(ops, har, spectrumFrames, scratch.get(FROM_SOURCE, n));
            float[][] layers = {scratch.get(BLOCK, n), scratch.get(BLOCK + 1, n), scratch.get(BLOCK + 2, n)};
            noiseRes[i].apply(ops, fromSource, sourceSteps, s, layers);
            int upSteps = ups[i].shape(steps).outSteps();
            float[] up = ups[i].apply(ops, x, steps, scratch.get(UPSAMPLED, (upSteps + 1) * channels));
            steps = upSteps;
            if (i == ups.length - 1) { // reflection padding of one step on the left
                System.arraycopy(up, 0, up, channels, steps * channels);
                System.arraycopy(up, 2 * channels, up, 0, channels);
                steps++;
            }
            if (steps != sourceSteps)
                throw new IllegalArgumentException(frames + " frames of features do not match the source's " + spectrumFrames + " spectrum frames");
            ops.add(up, 0, up, 0, fromSource, 0, n);
            float[] mean = scratch.zeroed(MEAN, n), work = fromSource; // added in already: its array is free
            for (int j = 0; j < kernels; j++) {
                System.arraycopy(up, 0, work, 0, n);
                resblocks[i * kernels + j].apply(ops, work, steps, s, layers); // in place
                ops.add(mean, 0, mean, 0, work, 0, n);
            }
            for (int k = 0; k < n; k++) mean[k] /= kernels;
            x = mean; // the next stage reads it before it takes the slot again
        }
        leakyRelu(x, steps * post.in(), 0.01f);
        float[] spectrum = post.apply(ops, x, steps);
        float[] magnitude = new float[steps * bins], phase = new float[steps * bins];
        for (int t = 0; t < steps; t++)
            for (int k = 0; k < bins; k++) {
                magnitude[t * bins + k] = (float) Math.exp(spectrum[t * 2 * bins + k]);
                phase[t * bins + k] = (float) Math.sin(spectrum[t * 2 * bins + bins + k]);
            }
        return stft.inverse(magnitude, phase, steps);
    }

    private static void leakyRelu(float[] x, int n, float slope) {
        for (int i = 0; i < n; i++) if (x[i] < 0) x[i] *= slope;
    }
}
