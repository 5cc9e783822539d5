package dev.muse.models.llama;

import dev.muse.engine.Ops;
import dev.muse.engine.Tensor;
import dev.muse.formats.FormatException;
import dev.muse.formats.TensorSource;
import dev.muse.models.Decoder;
import dev.muse.models.Embedder;
import dev.muse.models.KvCache;
import dev.muse.models.Pooling;
import dev.muse.models.SequenceState;
import dev.muse.models.nn.Activations;
import dev.muse.models.nn.Bias;
import dev.muse.models.nn.Attention;
import dev.muse.models.nn.Batch;
import dev.muse.models.nn.FeedForward;
import dev.muse.models.nn.Norms;
import dev.muse.models.nn.Rope;
import dev.muse.models.nn.Rows;
import dev.muse.models.nn.WeightShapes;
import java.util.List;
import java.util.Optional;

/**
 * The Llama-family forward pass (Llama 2/3.x, SmolLM2, Mistral, Qwen2.5, Qwen3): RMSNorm, grouped-query
 * attention with RoPE, SwiGLU feed-forward. Optional QKV biases (Qwen2) and QK-norm (Qwen3) are weights
 * that exist or not. Tokens are processed as a batch of rows, so prompt processing reads each weight
 * once per batch; each row carries its own KV cache and position, so rows may belong to different
 * sequences. A file that declares a pooling type is an embedding model and offers {@link Embedder} too.
 */
final class Llama implements Decoder, Embedder {
    /** Rows per forward chunk: bounds activation memory (rows x feed-forward floats) during prompt processing. */
    private static final int MAX_ROWS = 64;

    private final Ops ops;
    private final LlamaConfig c;
    private final LlamaWeights w;
    private final Rope rope;
    private final Attention attention;

    private Llama(Ops ops, LlamaConfig config, LlamaWeights weights) {
        this.ops = ops;
        this.c = config;
        this.w = weights;
        this.rope = new Rope(config.ropeDimensionCount(), config.ropeFreqBase(), config.ropeFreqScale(), weights.ropeFreqs(), config.ropeNeox());
        this.attention = new Attention(ops, config.headCount(), config.headCountKv(), config.keyLength(), (float) (1.0 / Math.sqrt(config.keyLength())), 0);
    }

    static Llama load(TensorSource file, Ops ops) {
        int vocab = (int) file.info("token_embd.weight").dim(1);
        LlamaConfig config = LlamaConfig.from(file.metadata(), vocab);
        if (config.valueLength() != config.keyLength())
            throw new FormatException("key length " + config.keyLength() + " != value length " + config.valueLength() + " is not supported");
        return new Llama(ops, config, LlamaWeights.load(new WeightShapes(file, ops), config));
    }

    LlamaConfig config() { return c; }

    @Override public String architecture() { return c.architecture(); }

    @Override public int contextLength() { return c.contextLength(); }

    @Override public int vocabularySize() { return c.vocabSize(); }

    @Override public Pooling pooling() { return c.poolingType(); }

    /** Only a file that declares a pooling type is an embedding model. */
    @Override public <T> Optional<T> as(Class<T> capability) {
        return capability == Embedder.class && c.poolingType() == Pooling.NONE ? Optional.empty() : Decoder.super.as(capability);
    }

    @Override public float[] embed(int[] tokens) {
        if (c.poolingType() == Pooling.NONE) throw new UnsupportedOperationException("the model declares no pooling: it does not make embeddings");
        if (tokens.length == 0) throw new IllegalArgumentException("embed needs at least one token");
        Batch.checkTokens(tokens, c.vocabSize());
        int dim = c.embeddingLength();
        KvCache cache = newState(tokens.length);
        float[] pooled = new float[dim];
        for (int from = 0; from < tokens.length; from += MAX_ROWS) {
            int rows = Math.min(MAX_ROWS, tokens.length - from);
            int start = cache.append(rows);
            Rows in = new Rows(rows);
            for (int r = 0; r < rows; r++) {
                in.caches()[r] = cache;
                in.positions()[r] = start + r;
                in.visible()[r] = start + r + 1;
                in.tokens()[r] = tokens[from + r];
            }
            boolean last = from + rows == tokens.length;
            int[] wanted = switch (c.poolingType()) {
                case MEAN -> java.util.stream.IntStream.range(0, rows).toArray();
                case CLS -> from == 0 ? new int[] {0} : new int[0];
                case LAST -> last ? new int[] {rows - 1} : new int[0];
                case NONE -> throw new AssertionError();
            };
            float[] hidden = run(in, wanted, true);
            for (int i = 0; i < wanted.length; i++) for (int d = 0; d < dim; d++) pooled[d] += hidden[i * dim + d];
        }
        double norm = 0;
        for (float v : pooled) norm += (double) v * v;
        float scale = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f; // mean pooling's 1/n disappears in the normalisation
        for (int d = 0; d < dim; d++) pooled[d] *= scale;
        return pooled;
    }

    @Override public KvCache newState(int capacity) { return new KvCache(c.blockCount(), capacity, c.kvDim()); }

    @Override public int embeddingLength() { return c.embeddingLength(); }

    @Override public float[][] forward(List<Step> steps) {
        return Batch.forward(steps, c.embeddingLength(), c.vocabSize(), MAX_ROWS, (rows, logitRows) -> run(rows, logitRows, false));
    }

    /**
     * One batch of rows through every layer. The logits of the rows listed in logitRows come back
     * concatenated; with {@code hiddenOnly}, their final normed hidden states instead (what embeddings pool).
     */
    float[] run(Rows in, int[] logitRows, boolean hiddenOnly) {
        int rows = in.size();
        int dim = c.embeddingLength(), qDim = c.queryDim(), kvDim = c.kvDim(), ffn = c.feedForwardLength();
        int heads = c.headCount(), kvHeads = c.headCountKv(), headSize = c.keyLength();
        float eps = c.layerNormRmsEpsilon();
        Activations a = new Activations(rows, dim, qDim, kvDim, ffn); // shapes written in Activations
        float[] x = a.x(), xb = a.xb(), q = a.q(), k = a.k(), v = a.v(), att = a.att(), gate = a.gate(), up = a.up();

        in.embed(w.tokenEmbd(), 1f, x, dim);
        float[][] angles = rope.angles(in.positions());

        for (int l = 0; l < c.blockCount(); l++) {
            LlamaWeights.Layer layer = w.layers()[l];

            // Attention: x -> norm -> q, k, v -> (bias) -> (QK-norm) -> RoPE -> cache -> softmax(qK)V -> wo -> + x
            Norms.rows(ops, xb, x, rows, dim, layer.attnNorm(), eps);
            ops.matmul(xb, rows, dim, new Tensor[] {layer.attnQ(), layer.attnK(), layer.attnV()},
                    new float[][] {q, k, v}, new int[] {qDim, kvDim, kvDim});
            Bias.add(ops, q, layer.attnQBias(), rows, qDim);
            Bias.add(ops, k, layer.attnKBias(), rows, kvDim);
            Bias.add(ops, v, layer.attnVBias(), rows, kvDim);
            if (layer.attnQNorm() != null) Norms.heads(ops, q, rows, heads, headSize, layer.attnQNorm(), eps);
            if (layer.attnKNorm() != null) Norms.heads(ops, k, rows, kvHeads, headSize, layer.attnKNorm(), eps);
            rope.applyRows(q, k, rows, heads, kvHeads, headSize, angles);
            attention.store(l, in, k, v);
            attention.attend(l, in, q, att);
            ops.matmul(layer.attnOutput(), att, rows, xb, dim, qDim);
            ops.add(x, 0, x, 0, xb, 0, rows * dim);

            // Feed-forward: x -> norm -> silu(gate) * up -> down -> + x
            Norms.rows(ops, xb, x, rows, dim, layer.ffnNorm(), eps);
            FeedForward.gated(ops, FeedForward.Activation.SILU, layer.ffnGate(), layer.ffnUp(), layer.ffnDown(), xb, xb, gate, up, rows, dim, ffn);
            ops.add(x, 0, x, 0, xb, 0, rows * dim);
        }

        // Output: final norm of the wanted rows -> classifier
        int wanted = logitRows.length;
        if (wanted == 0) return null;
        float[] normed = new float[wanted * dim];
        for (int i = 0; i < wanted; i++) ops.rmsnorm(normed, i * dim, x, logitRows[i] * dim, w.outputNorm(), dim, eps);
        if (hiddenOnly) return normed;
        float[] logits = new float[wanted * c.vocabSize()];
        ops.matmul(w.output(), normed, wanted, logits, c.vocabSize(), dim);
        return logits;
    }

}
