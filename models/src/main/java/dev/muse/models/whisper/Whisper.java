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
import java.util.ArrayDeque;
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
    /** Output positions of the convolutional stem per chunk: the first convolution's 2 x 127 + 1 fill CHUNK_ROWS. */
    private static final int STEM_ROWS = (CHUNK_ROWS - 1) / 2;

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
     * The encoder's working arrays for one window (9 MB for tiny, 32 for large-v3-turbo: three of the window's n x d
     * and chunks of CHUNK_ROWS rows), the cross-attention keys and values it leaves and the decoders' self-attention
     * caches, reused from window to window. New arrays per window outlived the young generation's collections in the
     * middle of the window, so each set was promoted and left for a full collection: the heap grew by about 40 MB per
     * window (peak RSS 415 MiB over a 74 MiB tiny model in `muse bench --whisper`).
     */
    private static final class Scratch {
        final float[] states, normed, queries, product, hidden;
        final KvCache cache;
        /** The window's positions CHUNK_ROWS at a time, each attending to all of them. */
        final Rows[] chunks;
        final CrossAttention cross;
        /** How many windows have been encoded into {@link #cross}: the number of the current one. */
        long encodings;
        /**
         * Self-attention caches of released sequences, for the next ones. Made new for each sequence, a full cache
         * (33 MB for small) outlived many young collections and was promoted, then left for a full collection: a
         * transcription that fell back to five sampled sequences, or searched five beams, grew the heap by gigabytes.
         */
        private final ArrayDeque<KvCache> spareCaches = new ArrayDeque<>();

        synchronized KvCache cache(WhisperConfig c) {
            KvCache cache = spareCaches.poll();
            if (cache == null) return new KvCache(c.textLayers(), c.textContext(), c.textState());
            cache.truncate(0);
            return cache;
        }

        synchronized void recycle(KvCache cache) { spareCaches.push(cache); }

        Scratch(Ops ops, WhisperConfig c) {
            int d = c.audioState(), n = c.audioContext();
            states = new float[n * d];
            normed = new float[CHUNK_ROWS * d]; // also a chunk of the first convolution's output
            queries = new float[CHUNK_ROWS * d];
            product = new float[CHUNK_ROWS * d];
            hidden = new float[CHUNK_ROWS * Math.max(4 * d, 3 * c.melBins())]; // also a chunk of unfolded input
            cache = new KvCache(1, n, d);
            cross = new CrossAttention(ops, c.textLayers(), c.textHeads(), c.textHeadSize(), n,
                    (float) (1 / Math.sqrt(c.textHeadSize())));
            Rows rows = new Rows(n);
            for (int i = 0; i < n; i++) {
                rows.caches()[i] = cache;
                rows.positions()[i] = i;
                rows.visible()[i] = n;
            }
            chunks = new Rows[(n + CHUNK_ROWS - 1) / CHUNK_ROWS];
            for (int i = 0; i < chunks.length; i++) chunks[i] = rows.slice(i * CHUNK_ROWS, Math.min(n, (i + 1) * CHUNK_ROWS));
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
        boolean released;

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
            if (released || s.released) throw new IllegalStateException("this sequence was released");
            self.copyPrefixFrom(s.self, positions);
        }

        @Override public long byteSize() { return self.byteSize(); }

        @Override public long capacityBytes() { return self.capacityBytes(); }

        @Override public void release() {
            if (released) return;
            released = true;
            audio.owner().recycle(self);
        }
    }

    @Override
    public synchronized Encoded encode(LogMel.Spectrogram mel, int fromFrame) {
        if (mel.bins() != c.melBins()) {
            throw new IllegalArgumentException("the model reads " + c.melBins() + " mel bins, not " + mel.bins());
        }
        int d = c.audioState(), n = c.audioContext();

        if (scratch == null) scratch = new Scratch(ops, c);
        Scratch s = scratch;
        float[] x = s.states; // returned: the encoded window's states, valid until the next window's encode
        stem(mel, fromFrame, x, s);
        for (int r0 = 0; r0 < n; r0 += CHUNK_ROWS) {
            int count = Math.min(CHUNK_ROWS, n - r0);
            w.encoderPositions().dequantize((long) r0 * d, s.product, 0, count * d);
            ops.add(x, r0 * d, x, r0 * d, s.product, 0, count * d);
        }

        // Transformer: pre-norm self-attention over all n positions, then a GELU MLP; a final layer norm. Only the
        // keys and values are held for every position (in the attention's cache, one layer's, reused by each): the
        // rest goes CHUNK_ROWS rows at a time, each chunk's norm computed once for the keys and values and again
        // for its queries (whole-window queries and norms were 9 MB more for small).
        s.cache.truncate(0);
        s.cache.append(n);
        float[] normed = s.normed, q = s.queries, product = s.product, k = s.cache.keys(0), v = s.cache.values(0);
        for (WhisperWeights.EncoderLayer layer : w.encoderLayers()) {
            WhisperWeights.Projections a = layer.attn();
            for (int r0 = 0; r0 < n; r0 += CHUNK_ROWS) {
                int count = Math.min(CHUNK_ROWS, n - r0);
                layernorm(normed, x, r0, a.ln(), a.lnBias(), count, d);
                ops.matmul(normed, count, d, new Tensor[] {a.key(), a.value()}, new float[][] {q, product}, new int[] {d, d});
                Bias.add(ops, product, a.valueBias(), count, d);
                System.arraycopy(q, 0, k, r0 * d, count * d);
                System.arraycopy(product, 0, v, r0 * d, count * d);
            }
            for (int i = 0, r0 = 0; r0 < n; i++, r0 += CHUNK_ROWS) {
                int count = Math.min(CHUNK_ROWS, n - r0);
                layernorm(normed, x, r0, a.ln(), a.lnBias(), count, d);
                ops.matmul(a.query(), normed, count, q, d, d);
                Bias.add(ops, q, a.queryBias(), count, d);
                encoderAttention.attend(0, s.chunks[i], q, q); // each query row is replaced by its attention's output
                ops.matmul(a.out(), q, count, product, d, d);
                Bias.add(ops, product, a.outBias(), count, d);
                ops.add(x, r0 * d, x, r0 * d, product, 0, count * d);
            }
            mlp(layer.mlpLn(), layer.mlpLnBias(), layer.mlp0(), layer.mlp0Bias(), layer.mlp2(), layer.mlp2Bias(),
                    x, normed, product, s.hidden, n);
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
        return new Sequence(encoded.owner().cache(c), encoded);
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
        if (sequence.released) throw new IllegalStateException("this sequence was released");
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
            layernorm(in, x, from, ln, lnBias, count, d);
            ops.matmul(up, in, count, hidden, ffn, d);
            Bias.add(ops, hidden, upBias, count, ffn);
            Parallel.forRange(count, r -> ops.gelu(hidden, r * ffn, ffn));
            ops.matmul(down, hidden, count, out, d, ffn);
            Bias.add(ops, out, downBias, count, d);
            ops.add(x, from * d, x, from * d, out, 0, count * d);
        }
    }

    private void layernorm(float[] out, float[] x, Tensor weight, Tensor bias, int n, int d) {
        layernorm(out, x, 0, weight, bias, n, d);
    }

    /** Rows from .. from + n - 1 of x, normalised into out's rows 0 .. n - 1. */
    private void layernorm(float[] out, float[] x, int from, Tensor weight, Tensor bias, int n, int d) {
        Parallel.forRange(n, r -> ops.layernorm(out, r * d, x, (from + r) * d, weight, bias, d, WhisperConfig.EPS));
    }

    /**
     * The convolutional stem, conv1 (k 3, pad 1) + GELU then conv2 (k 3, stride 2, pad 1) + GELU, into x [n, d], a
     * chunk of conv2's output at a time: output positions t0 .. t0 + count - 1 read conv1's positions 2t0 - 1 ..
     * 2(t0 + count) - 1, computed just before (one position twice, where chunks meet), so conv1's whole output
     * (twice the window's states: 9 MB for small) is never held.
     */
    private void stem(LogMel.Spectrogram mel, int fromFrame, float[] x, Scratch s) {
        int d = c.audioState(), n = c.audioContext(), frames = c.windowFrames(), mels = c.melBins();
        // the window's frames of the spectrogram, zero past its end (as whisper_encode_internal copies them)
        float[] spectrogram = mel.data();
        int available = Math.max(0, Math.min(frames, mel.frames() - fromFrame)), stride = mel.frames();
        Input window = (ch, at) -> at < available ? spectrogram[ch * stride + fromFrame + at] : 0f;
        for (int t0 = 0; t0 < n; t0 += STEM_ROWS) {
            int count = Math.min(STEM_ROWS, n - t0), first = 2 * t0 - 1, rows = 2 * count + 1;
            convolve(w.conv1(), w.conv1Bias(), window, mels, frames, 1, first, rows, s.normed, s.hidden);
            float[] h = s.normed;
            convolve(w.conv2(), w.conv2Bias(), (ch, at) -> h[(at - first) * d + ch], d, frames, 2, t0, count, s.product, s.hidden);
            System.arraycopy(s.product, 0, x, t0 * d, count * d);
        }
    }

    /** One value of a convolution's input: channel ch at position at (within [0, length)). */
    private interface Input {
        float at(int ch, int at);
    }

    /**
     * Output positions first .. first + count - 1 of a width-3 convolution with padding 1 and the given stride, then
     * its bias and GELU, into out's rows 0 .. count - 1: position t reads input positions stride*t - 1 .. stride*t + 1
     * (zero outside the input's length). Positions outside the output's length are zero rows (the next
     * convolution's padding).
     *
     * @param unfolded room for the unfolded input, [count, channels*3]
     */
    private void convolve(Tensor kernel, Tensor bias, Input in, int channels, int length, int stride, int first, int count,
            float[] out, float[] unfolded) {
        int d = c.audioState(), width = channels * 3, outLength = length / stride;
        Parallel.forRange(count, i -> {
            for (int ch = 0, t = first + i; ch < channels; ch++) {
                for (int tap = 0; tap < 3; tap++) {
                    int at = stride * t + tap - 1;
                    unfolded[i * width + ch * 3 + tap] = at < 0 || at >= length ? 0f : in.at(ch, at);
                }
            }
        });
        ops.matmul(kernel, unfolded, count, out, d, width);
        Bias.add(ops, out, bias, count, d);
        Parallel.forRange(count, i -> {
            int t = first + i;
            if (t < 0 || t >= outLength) Arrays.fill(out, i * d, (i + 1) * d, 0f);
            else ops.gelu(out, i * d, d);
        });
    }
}
