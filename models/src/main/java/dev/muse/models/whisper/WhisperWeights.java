package dev.muse.models.whisper;

import dev.muse.engine.Tensor;
import dev.muse.formats.FormatException;
import dev.muse.formats.TensorInfo;
import dev.muse.models.nn.WeightShapes;

/**
 * Whisper's weights as whisper.cpp names them, shapes checked on loading. Matrices are [rows, cols] of what the
 * forward pass multiplies by; the convolution kernels are [out channels, in channels x 3] (ggml {3, in, out}:
 * for each output channel, each input channel's three taps in a row).
 */
record WhisperWeights(
        Tensor conv1, Tensor conv1Bias,           // [d, mels*3], [d]
        Tensor conv2, Tensor conv2Bias,           // [d, d*3], [d]
        Tensor encoderPositions,                  // [audioContext, d]
        EncoderLayer[] encoderLayers,
        Tensor lnPost, Tensor lnPostBias,         // [d]
        Tensor tokenEmbedding,                    // [vocab, d]: also the output projection (logits = x . E^T)
        Tensor decoderPositions,                  // [textContext, d]
        DecoderLayer[] decoderLayers,
        Tensor ln, Tensor lnBias) {               // [d]

    /** Pre-norm self-attention (no key bias) and a GELU MLP of 4d. */
    record EncoderLayer(Projections attn, Tensor mlpLn, Tensor mlpLnBias, Tensor mlp0, Tensor mlp0Bias,
                        Tensor mlp2, Tensor mlp2Bias) {}

    /** As an encoder layer, with cross-attention over the encoder's output between the two. */
    record DecoderLayer(Projections attn, Projections crossAttn, Tensor mlpLn, Tensor mlpLnBias, Tensor mlp0,
                        Tensor mlp0Bias, Tensor mlp2, Tensor mlp2Bias) {}

    /** An attention block's norm and projections: q, k (no bias), v and out, each [d, d]. */
    record Projections(Tensor ln, Tensor lnBias, Tensor query, Tensor queryBias, Tensor key, Tensor value,
                       Tensor valueBias, Tensor out, Tensor outBias) {
        static Projections load(WeightShapes s, String prefix, String ln, int d) {
            return new Projections(s.vector(ln + ".weight", d), s.vector(ln + ".bias", d),
                    s.matrix(prefix + ".query.weight", d, d), s.vector(prefix + ".query.bias", d),
                    s.matrix(prefix + ".key.weight", d, d),
                    s.matrix(prefix + ".value.weight", d, d), s.vector(prefix + ".value.bias", d),
                    s.matrix(prefix + ".out.weight", d, d), s.vector(prefix + ".out.bias", d));
        }
    }

    static WhisperWeights load(WeightShapes s, WhisperConfig c) {
        int d = c.audioState();
        EncoderLayer[] encoder = s.layers("encoder.blocks.", c.audioLayers(), EncoderLayer[]::new, b ->
                new EncoderLayer(Projections.load(s, b + "attn", b + "attn_ln", d),
                        s.vector(b + "mlp_ln.weight", d), s.vector(b + "mlp_ln.bias", d),
                        s.matrix(b + "mlp.0.weight", 4 * d, d), s.vector(b + "mlp.0.bias", 4 * d),
                        s.matrix(b + "mlp.2.weight", d, 4 * d), s.vector(b + "mlp.2.bias", d)));
        DecoderLayer[] decoder = s.layers("decoder.blocks.", c.textLayers(), DecoderLayer[]::new, b ->
                new DecoderLayer(Projections.load(s, b + "attn", b + "attn_ln", d),
                        Projections.load(s, b + "cross_attn", b + "cross_attn_ln", d),
                        s.vector(b + "mlp_ln.weight", d), s.vector(b + "mlp_ln.bias", d),
                        s.matrix(b + "mlp.0.weight", 4 * d, d), s.vector(b + "mlp.0.bias", 4 * d),
                        s.matrix(b + "mlp.2.weight", d, 4 * d), s.vector(b + "mlp.2.bias", d)));
        return new WhisperWeights(
                kernel(s, "encoder.conv1.weight", c.melBins(), d), s.vector("encoder.conv1.bias", d),
                kernel(s, "encoder.conv2.weight", d, d), s.vector("encoder.conv2.bias", d),
                positions(s, "encoder.positional_embedding", c.audioContext(), d),
                encoder,
                s.vector("encoder.ln_post.weight", d), s.vector("encoder.ln_post.bias", d),
                s.matrix("decoder.token_embedding.weight", c.vocabularySize(), d),
                positions(s, "decoder.positional_embedding", c.textContext(), d),
                decoder,
                s.vector("decoder.ln.weight", d), s.vector("decoder.ln.bias", d));
    }

    /** A width-3 convolution kernel, ggml {3, in, out}, read as [out, in*3]. */
    private static Tensor kernel(WeightShapes s, String name, int in, int out) {
        TensorInfo info = s.source().info(name);
        if (info.dimensions() != 3 || info.dim(0) != 3 || info.dim(1) != in || info.dim(2) != out) {
            throw new FormatException("tensor " + name + " should be [3, " + in + ", " + out + "] but is " + info);
        }
        return s.source().tensor(name);
    }

    /** Learned positional embeddings, read row by row (never multiplied, so kept as the file has them). */
    private static Tensor positions(WeightShapes s, String name, int rows, int d) {
        TensorInfo info = s.source().info(name);
        if (info.dimensions() != 2 || info.dim(0) != d || info.dim(1) != rows) {
            throw new FormatException("tensor " + name + " should be [" + d + ", " + rows + "] but is " + info);
        }
        return s.source().tensor(name);
    }
}
