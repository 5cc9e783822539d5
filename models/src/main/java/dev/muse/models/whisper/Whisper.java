package dev.muse.models.whisper;

import dev.muse.engine.Ops;
import dev.muse.engine.Parallel;
import dev.muse.engine.Tensor;
import dev.muse.formats.TensorSource;
import dev.muse.media.LogMel;
import dev.muse.models.KvCache;
import dev.muse.models.SequenceState;
import dev.muse.models.SpeechRecognizer;
import dev.muse.models.Transcript;
import dev.muse.models.TranscriptionOptions;
import dev.muse.models.nn.Attention;
import dev.muse.models.nn.Bias;
import dev.muse.models.nn.CrossAttention;
import dev.muse.models.nn.Rows;
import dev.muse.models.nn.WeightShapes;
import java.util.Arrays;

/**
 * OpenAI's Whisper from a whisper.cpp ggml file: a convolutional stem and a pre-norm transformer encode 30 s of
 * log-mel frames; a pre-norm transformer decoder with cross-attention over them predicts tokens. The forward pass
 * follows whisper.cpp's graphs (whisper_build_graph_conv, _encoder, _cross, _decoder) op for op; the golden tests
 * compare its spectrogram, encoder output and logits with whisper.cpp's on the same file.
 */
public final class Whisper implements SpeechRecognizer {
    private final Ops ops;
    private final WhisperConfig c;
    private final WhisperWeights w;
    private final LogMel logMel;
    private final Attention encoderAttention;
    private final Attention decoderAttention;
    private final Transcriber transcriber;
    /** The encoder's working arrays, kept from one window to the next while a transcription runs ({@link Scratch}). */
    private Scratch scratch;
    /**
     * Rows of the MLP's hidden activations and of the convolutions' unfolded input computed at a time: several of the
     * matrix products' 64-row tiles, while the encoder's working set stays small (a whole window's hidden
     * activations were 9 MB in tiny, 31 MB in large-v3-turbo).
     */
    private static final int CHUNK_ROWS = 256;

    private Whisper(Ops ops, WhisperConfig config, WhisperWeights weights) {
        this.ops = ops;
        this.c = config;
        this.w = weights;
        this.logMel = new LogMel(config.melBins(), config.melFilters());
        this.encoderAttention = new Attention(ops, c.audioHeads(), c.audioHeads(), c.audioHeadSize(),
                (float) (1 / Math.sqrt(c.audioHeadSize())), 0);
        this.decoderAttention = new Attention(ops, c.textHeads(), c.textHeads(), c.textHeadSize(),
                (float) (1 / Math.sqrt(c.textHeadSize())), 0);
        this.transcriber = new Transcriber(this);
    }

    /** Reads the config and weights of a Whisper model file; a FormatException says what is wrong with it. */
    public static Whisper load(TensorSource source, Ops ops) {
        WhisperConfig config = WhisperConfig.from(source.metadata());
        return new Whisper(ops, config, WhisperWeights.load(new WeightShapes(source, ops), config));
    }

    @Override public String architecture() { return "whisper"; }

    public WhisperConfig config() { return c; }

    @Override public LogMel logMel() { return logMel; }

    @Override public int windowFrames() { return c.windowFrames(); }

    @Override public int textContextLength() { return c.textContext(); }

    @Override public int vocabularySize() { return c.vocabularySize(); }

    @Override public String[] pieces() { return c.pieces().clone(); }

    @Override
    public Transcript transcribe(float[] samples, TranscriptionOptions options, Listener listener) {
        try {
            return transcriber.transcribe(samples, options, listener);
        } finally {
            synchronized (this) {
                scratch = null; // an idle model holds no activations
            }
        }
    }

    /**
     * The encoder's working arrays for one window (19 MB for tiny, 60 for large-v3-turbo) and the cross-attention
     * keys and values it leaves, reused from window to window. New arrays per window outlived the young generation's
     * collections in the middle of the window, so each set was promoted and left for a full collection: the heap grew
     * by about 40 MB per window (peak RSS 415 MiB over a 74 MiB tiny model in `muse bench --whisper`).
     */
    private static final class Scratch {
        final float[] window, conv1, xb, q, att, hidden;
        final KvCache cache;
        final Rows rows;
        final CrossAttention cross;
        /** How many windows have been encoded into {@link #cross}: the number of the current one. */
        long encodings;

        Scratch(Ops ops, WhisperConfig c) {
            int d = c.audioState(), frames = c.windowFrames(), n = c.audioContext();
            window = new float[c.melBins() * frames];
            conv1 = new float[frames * d];
            xb = new float[Math.max(n, CHUNK_ROWS) * d]; // also a chunk of the convolutions' products
            q = new float[n * d];
            att = new float[n * d];
            hidden = new float[CHUNK_ROWS * Math.max(4 * d, 3 * c.melBins())]; // also a chunk of unfolded input
            cache = new KvCache(1, n, d);
            cross = new CrossAttention(ops, c.textLayers(), c.textHeads(), c.textHeadSize(), n,
                    (float) (1 / Math.sqrt(c.textHeadSize())));
            rows = new Rows(n);
            for (int i = 0; i < n; i++) {
                rows.caches()[i] = cache;
                rows.positions()[i] = i;
                rows.visible()[i] = n;
            }
        }
    }

    /**
     * The encoder's output for one window: the keys and values every decoder layer's cross-attention reads. They
     * live in the transcription's {@link Scratch}, so a window is valid until the next {@link #encode} on this model.
     */
    record Encoded(float[] states, CrossAttention cross, Scratch owner, long number) implements EncodedAudio {
        @Override public long byteSize() { return 4L * states.length + cross.byteSize(); }

        void checkCurrent() {
            if (owner.encodings != number)
                throw new IllegalStateException("this window's encoding was replaced by a later encode() on the same model");
        }
    }

    /** One token sequence: its own self-attention cache, and the window it decodes against. */
    static final class Sequence implements SequenceState {
        final KvCache self;
        final Encoded audio;

        Sequence(KvCache self, Encoded audio) {
            this.self = self;
            this.audio = audio;
        }

        @Override public int length() { return self.length(); }

        @Override public int capacity() { return self.capacity(); }

        @Override public void truncate(int newLength) { self.truncate(newLength); }

        @Override public void copyPrefixFrom(SequenceState source, int positions) {
            if (!(source instanceof Sequence s) || s.audio != audio) {
                throw new IllegalArgumentException("a Whisper sequence copies only from one decoding the same audio");
            }
            self.copyPrefixFrom(s.self, positions);
        }

        @Override public long byteSize() { return self.byteSize(); }

        @Override public long capacityBytes() { return self.capacityBytes(); }
    }

    @Override
    public synchronized Encoded encode(LogMel.Spectrogram mel, int fromFrame) {
        if (mel.bins() != c.melBins()) {
            throw new IllegalArgumentException("the model reads " + c.melBins() + " mel bins, not " + mel.bins());
        }
        int d = c.audioState(), frames = c.windowFrames(), n = c.audioContext(), mels = c.melBins();

        if (scratch == null) scratch = new Scratch(ops, c);
        Scratch s = scratch;
        // The window, [mels, frames], zero past the spectrogram's end (as whisper_encode_internal copies it)
        float[] window = s.window;
        Arrays.fill(window, 0f);
        int available = Math.max(0, Math.min(frames, mel.frames() - fromFrame));
        for (int m = 0; m < mels; m++) {
            System.arraycopy(mel.data(), m * mel.frames() + fromFrame, window, m * frames, available);
        }

        // Convolutional stem: conv1 (k 3, pad 1) + GELU, conv2 (k 3, stride 2, pad 1) + GELU -> [n, d]
        float[] h = s.conv1;
        convolve(w.conv1(), w.conv1Bias(), window, true, mels, frames, 1, h, s.hidden, s.xb);
        float[] x = new float[n * d]; // returned: the encoded window's states
        convolve(w.conv2(), w.conv2Bias(), h, false, d, frames, 2, x, s.hidden, s.xb);
        float[] positions = s.att; // free until the first layer's attention
        w.encoderPositions().dequantize(0, positions, 0, n * d);
        ops.add(x, 0, x, 0, positions, 0, n * d);

        // Transformer: pre-norm self-attention over all n positions, then a GELU MLP; a final layer norm. Keys and
        // values are projected straight into the attention's cache (one layer's, reused by each).
        s.cache.truncate(0);
        s.cache.append(n);
        Rows rows = s.rows;
        float[] xb = s.xb, q = s.q, k = s.cache.keys(0), v = s.cache.values(0), att = s.att, hidden = s.hidden;
        for (WhisperWeights.EncoderLayer layer : w.encoderLayers()) {
            WhisperWeights.Projections a = layer.attn();
            layernorm(xb, x, a.ln(), a.lnBias(), n, d);
            project(a, xb, n, q, k, v);
            encoderAttention.attend(0, rows, q, att);
            residual(a.out(), a.outBias(), att, c.audioState(), n, x, xb);
            mlp(layer.mlpLn(), layer.mlpLnBias(), layer.mlp0(), layer.mlp0Bias(), layer.mlp2(), layer.mlp2Bias(),
                    x, xb, q, hidden, n);
        }
        layernorm(x, x, w.lnPost(), w.lnPostBias(), n, d);

        // Cross-attention keys and values for every decoder layer, computed once per window
        CrossAttention cross = s.cross;
        for (int l = 0; l < c.textLayers(); l++) {
            WhisperWeights.Projections ca = w.decoderLayers()[l].crossAttn();
            ops.matmul(x, n, d, new Tensor[] {ca.key(), ca.value()}, new float[][] {k, v}, new int[] {d, d});
            Bias.add(ops, v, ca.valueBias(), n, d);
            cross.store(l, k, v);
        }
        return new Encoded(x, cross, s, ++s.encodings);
    }

    @Override
    public SequenceState start(EncodedAudio audio) {
        if (!(audio instanceof Encoded encoded) || encoded.cross().positions() != c.audioContext()
                || encoded.states().length != c.audioContext() * c.audioState()) {
            throw new IllegalArgumentException("this audio was encoded by another model");
        }
        encoded.checkCurrent();
        return new Sequence(new KvCache(c.textLayers(), c.textContext(), c.textState()), encoded);
    }

    @Override
    public float[] decode(SequenceState state, int[] tokens) {
        if (!(state instanceof Sequence sequence)) {
            throw new IllegalArgumentException("not a Whisper sequence");
        }
        int d = c.textState(), n = tokens.length, vocab = c.vocabularySize();
        if (n == 0) {
            throw new IllegalArgumentException("nothing to decode");
        }
        for (int t : tokens) {
            if (t < 0 || t >= vocab) {
                throw new IllegalArgumentException("token " + t + " is outside the vocabulary of " + vocab);
            }
        }
        sequence.audio.checkCurrent();
        int start = sequence.self.append(n);
        Rows self = new Rows(n);
        float[] x = new float[n * d];
        for (int r = 0; r < n; r++) {
            self.caches()[r] = sequence.self;
            self.positions()[r] = start + r;
            self.visible()[r] = start + r + 1;
            w.tokenEmbedding().dequantize((long) tokens[r] * d, x, r * d, d);
            float[] position = new float[d];
            w.decoderPositions().dequantize((long) (start + r) * d, position, 0, d);
            ops.add(x, r * d, x, r * d, position, 0, d);
        }
        float[] xb = new float[n * d], q = new float[n * d], k = new float[n * d], v = new float[n * d];
        float[] att = new float[n * d], hidden = new float[Math.min(n, CHUNK_ROWS) * 4 * d];
        for (int l = 0; l < c.textLayers(); l++) {
            WhisperWeights.DecoderLayer layer = w.decoderLayers()[l];
            // Causal self-attention over this sequence's tokens so far
            WhisperWeights.Projections a = layer.attn();
            layernorm(xb, x, a.ln(), a.lnBias(), n, d);
            project(a, xb, n, q, k, v);
            decoderAttention.store(l, self, k, v);
            decoderAttention.attend(l, self, q, att);
            residual(a.out(), a.outBias(), att, c.audioState(), n, x, xb);
            // Cross-attention over the encoded window
            WhisperWeights.Projections ca = layer.crossAttn();
            layernorm(xb, x, ca.ln(), ca.lnBias(), n, d);
            ops.matmul(ca.query(), xb, n, q, d, d);
            Bias.add(ops, q, ca.queryBias(), n, d);
            sequence.audio.cross().attend(l, q, n, att);
            residual(ca.out(), ca.outBias(), att, c.audioState(), n, x, xb);
            mlp(layer.mlpLn(), layer.mlpLnBias(), layer.mlp0(), layer.mlp0Bias(), layer.mlp2(), layer.mlp2Bias(),
                    x, xb, q, hidden, n);
        }
        // The last token's logits: final norm, then the token embedding as the output projection
        float[] last = Arrays.copyOfRange(x, (n - 1) * d, n * d);
        ops.layernorm(last, 0, last, 0, w.ln(), w.lnBias(), d, WhisperConfig.EPS);
        float[] logits = new float[vocab];
        ops.matmul(w.tokenEmbedding(), last, 1, logits, vocab, d);
        return logits;
    }

    /** q = Wq x + bq, k = Wk x (Whisper's keys have no bias), v = Wv x + bv. */
    private void project(WhisperWeights.Projections a, float[] x, int n, float[] q, float[] k, float[] v) {
        int d = c.audioState();
        ops.matmul(x, n, d, new Tensor[] {a.query(), a.key(), a.value()}, new float[][] {q, k, v}, new int[] {d, d, d});
        Bias.add(ops, q, a.queryBias(), n, d);
        Bias.add(ops, v, a.valueBias(), n, d);
    }

    /** x += W in + b for W of [d, cols], using {@code scratch} for the product. */
    private void residual(Tensor weight, Tensor bias, float[] in, int cols, int n, float[] x, float[] scratch) {
        int d = c.audioState();
        ops.matmul(weight, in, n, scratch, d, cols);
        Bias.add(ops, scratch, bias, n, d);
        ops.add(x, 0, x, 0, scratch, 0, n * d);
    }

    /**
     * x += mlp.2(GELU(mlp.0(LN(x)))), each with its bias, CHUNK_ROWS rows at a time: their normalised rows in in,
     * their hidden activations in hidden (CHUNK_ROWS x 4d), their products in out.
     */
    private void mlp(Tensor ln, Tensor lnBias, Tensor up, Tensor upBias, Tensor down, Tensor downBias, float[] x,
            float[] in, float[] out, float[] hidden, int n) {
        int d = c.audioState(), ffn = 4 * d;
        for (int r0 = 0; r0 < n; r0 += CHUNK_ROWS) {
            int from = r0, count = Math.min(CHUNK_ROWS, n - r0);
            Parallel.forRange(count, r -> ops.layernorm(in, r * d, x, (from + r) * d, ln, lnBias, d, WhisperConfig.EPS));
            ops.matmul(up, in, count, hidden, ffn, d);
            Bias.add(ops, hidden, upBias, count, ffn);
            Parallel.forRange(count, r -> ops.gelu(hidden, r * ffn, ffn));
            ops.matmul(down, hidden, count, out, d, ffn);
            Bias.add(ops, out, downBias, count, d);
            ops.add(x, from * d, x, from * d, out, 0, count * d);
        }
    }

    private void layernorm(float[] out, float[] x, Tensor weight, Tensor bias, int n, int d) {
        Parallel.forRange(n, r -> ops.layernorm(out, r * d, x, r * d, weight, bias, d, WhisperConfig.EPS));
    }

    /**
     * A width-3 convolution with padding 1 and the given stride, then its bias and GELU, as matrix products over
     * unfolded input, CHUNK_ROWS output positions at a time: output position t reads input positions
     * stride*t - 1 .. stride*t + 1 (zero outside).
     *
     * @param channelMajor the input is [channels, length] (the spectrogram) rather than [length, channels]
     * @param unfolded a chunk's unfolded input, [CHUNK_ROWS, channels*3] at least
     * @param product a chunk's output, [CHUNK_ROWS, d] at least
     */
    private void convolve(Tensor kernel, Tensor bias, float[] in, boolean channelMajor, int channels, int length,
            int stride, float[] out, float[] unfolded, float[] product) {
        int outLength = length / stride, d = c.audioState(), width = channels * 3;
        for (int t0 = 0; t0 < outLength; t0 += CHUNK_ROWS) {
            int first = t0, count = Math.min(CHUNK_ROWS, outLength - t0);
            Parallel.forRange(count, i -> {
                for (int ch = 0, t = first + i; ch < channels; ch++) {
                    for (int tap = 0; tap < 3; tap++) {
                        int at = stride * t + tap - 1;
                        unfolded[i * width + ch * 3 + tap] = at < 0 || at >= length ? 0f
                                : channelMajor ? in[ch * length + at] : in[at * channels + ch];
                    }
                }
            });
            ops.matmul(kernel, unfolded, count, product, d, width);
            Bias.add(ops, product, bias, count, d);
            Parallel.forRange(count, i -> ops.gelu(product, i * d, d));
            System.arraycopy(product, 0, out, first * d, count * d);
        }
    }
}
