package dev.muse.models.kokoro;

import dev.muse.engine.Ops;
import dev.muse.engine.Tensor;
import dev.muse.models.nn.Conv1d;
import dev.muse.models.nn.Lstm;
import dev.muse.models.nn.WeightShapes;

/**
 * Kokoro's text encoder (StyleTTS 2's TextEncoder): phoneme embeddings through {@code depth} blocks of a weight-normed
 * convolution, a LayerNorm over channels and leaky ReLU (slope 0.2), then a bidirectional LSTM. One row per phoneme,
 * channels-last; these are the features the decoder reads, frame by frame once aligned.
 */
final class TextEncoder {
    private static final float SLOPE = 0.2f, EPS = 1e-5f;

    private final Tensor embedding;
    private final Conv1d[] convs;
    private final Tensor[] gammas, betas;
    private final Lstm lstm;
    private final int channels, tokens;

    private TextEncoder(Tensor embedding, Conv1d[] convs, Tensor[] gammas, Tensor[] betas, Lstm lstm, int channels, int tokens) {
        this.embedding = embedding;
        this.convs = convs;
        this.gammas = gammas;
        this.betas = betas;
        this.lstm = lstm;
        this.channels = channels;
        this.tokens = tokens;
    }

    /** Loads prefix.embedding, prefix.cnn.{i}.0 (convolution) and .1 (gamma, beta), prefix.lstm. */
    static TextEncoder load(WeightShapes w, String prefix, int channels, int kernel, int depth, int tokens) {
        Conv1d[] convs = new Conv1d[depth];
        Tensor[] gammas = new Tensor[depth], betas = new Tensor[depth];
        for (int i = 0; i < depth; i++) {
            convs[i] = Conv1d.load(w, prefix + ".cnn." + i + ".0", channels, channels, kernel, 1, 1, (kernel - 1) / 2);
            gammas[i] = w.vector(prefix + ".cnn." + i + ".1.gamma", channels);
            betas[i] = w.vector(prefix + ".cnn." + i + ".1.beta", channels);
        }
        return new TextEncoder(w.table(prefix + ".embedding.weight", tokens, channels), convs, gammas, betas,
                Lstm.load(w, prefix + ".lstm", channels, channels / 2, true), channels, tokens);
    }

    /** [ids.length, channels] for the phoneme ids (padding included). */
    float[] apply(Ops ops, int[] ids) {
        int n = ids.length;
        float[] x = new float[n * channels];
        for (int t = 0; t < n; t++) {
            if (ids[t] < 0 || ids[t] >= tokens) throw new IllegalArgumentException("phoneme id " + ids[t] + " is outside 0.." + (tokens - 1));
            embedding.dequantize((long) ids[t] * channels, x, t * channels, channels);
        }
        for (int i = 0; i < convs.length; i++) {
            x = convs[i].apply(ops, x, n);
            for (int t = 0; t < n; t++) ops.layernorm(x, t * channels, x, t * channels, gammas[i], betas[i], channels, EPS);
            for (int j = 0; j < x.length; j++) if (x[j] < 0) x[j] *= SLOPE;
        }
        return lstm.apply(ops, x, n);
    }
}
