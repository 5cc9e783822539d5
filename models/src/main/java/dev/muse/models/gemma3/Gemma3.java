package dev.muse.models.gemma3;

import dev.muse.engine.Ops;
import dev.muse.formats.TensorSource;
import dev.muse.models.Decoder;
import dev.muse.models.KvCache;
import dev.muse.models.nn.Activations;
import dev.muse.models.nn.Attention;
import dev.muse.models.nn.Batch;
import dev.muse.models.nn.FeedForward;
import dev.muse.models.nn.Norms;
import dev.muse.models.nn.Rope;
import dev.muse.models.nn.Rows;
import dev.muse.models.nn.WeightShapes;
import java.util.List;

/**
 * The Gemma 3 text decoder, as llama.cpp computes it (src/models/gemma3.cpp): token embeddings scaled by
 * sqrt(dim) (encoded image embeddings are not), RMS-normed grouped-query attention with QK-norm and NEOX
 * RoPE, a norm after the attention and after the GELU-gated feed-forward as well as before them, and
 * interleaved local (sliding-window) and global layers with RoPE bases of their own. Rows are processed
 * as a batch, each with its own KV cache and position, like the Llama family.
 */
final class Gemma3 implements Decoder {
    /** Rows per forward chunk: bounds activation memory (rows x feed-forward floats) during prompt processing. */
    private static final int MAX_ROWS = 64;

    private final Ops ops;
    private final Gemma3Config c;
    private final Gemma3Weights w;
    private final Rope localRope, globalRope;
    private final Attention local, global;
    private final float tokenScale;

    private Gemma3(Ops ops, Gemma3Config config, Gemma3Weights weights) {
        this.ops = ops;
        this.c = config;
        this.w = weights;
        this.localRope = new Rope(config.attention().ropeDimensionCount(), config.ropeFreqBaseSwa(), 1f, null, true);
        this.globalRope = new Rope(config.attention().ropeDimensionCount(), config.ropeFreqBase(), config.ropeFreqScale(), null, true);
        // queries are pre-scaled (f_attention_scale, as llama.cpp does before its kq product), so the attention scale is 1
        this.local = new Attention(ops, config.headCount(), config.headCountKv(), config.keyLength(), 1f, config.slidingWindow());
        this.global = new Attention(ops, config.headCount(), config.headCountKv(), config.keyLength(), 1f, 0);
        this.tokenScale = (float) Math.sqrt(config.embeddingLength());
    }

    static Gemma3 load(TensorSource file, Ops ops) {
        int vocab = (int) file.info("token_embd.weight").dim(1);
        Gemma3Config config = Gemma3Config.from(file.metadata(), vocab);
        return new Gemma3(ops, config, Gemma3Weights.load(new WeightShapes(file, ops), config));
    }

    @Override public String architecture() { return Gemma3Config.ARCH; }

    @Override public int contextLength() { return c.contextLength(); }

    @Override public int vocabularySize() { return c.vocabSize(); }

    @Override public int embeddingLength() { return c.embeddingLength(); }

    @Override public KvCache newState(int capacity) { return new KvCache(c.blockCount(), capacity, c.kvDim()); }

    @Override public float[][] forward(List<Step> steps) {
        return Batch.forward(steps, c.embeddingLength(), c.vocabSize(), MAX_ROWS, this::run);
    }

    /** One batch of rows through every layer; the logits of the rows listed in logitRows come back concatenated. */
    private float[] run(Rows in, int[] logitRows) {
        int rows = in.size();
        int dim = c.embeddingLength(), qDim = c.queryDim(), kvDim = c.kvDim(), ffn = c.feedForwardLength();
        int heads = c.headCount(), kvHeads = c.headCountKv(), headSize = c.keyLength();
        float eps = c.layerNormRmsEpsilon(), queryScale = c.attentionScale();
        Activations a = new Activations(rows, dim, qDim, kvDim, ffn); // shapes written in Activations
        float[] x = a.x(), xb = a.xb(), q = a.q(), k = a.k(), v = a.v(), att = a.att(), gate = a.gate(), up = a.up();

        // Input: token rows are embedding rows * sqrt(dim); vector rows (encoded images) come in as they are
        in.embed(w.tokenEmbd(), tokenScale, x, dim);
        float[][] localAngles = localRope.angles(in.positions()), globalAngles = globalRope.angles(in.positions());

        for (int l = 0; l < c.blockCount(); l++) {
            Gemma3Weights.Layer layer = w.layers()[l];
            boolean sliding = c.isSliding(l);
            Rope rope = sliding ? localRope : globalRope;
            float[][] angles = sliding ? localAngles : globalAngles;
            Attention attention = sliding ? local : global;

            // Attention: x -> norm -> q, k, v -> QK-norm -> RoPE (local or global) -> q * scale -> cache
            //   -> softmax(qK)V over the window (local) or everything visible (global) -> wo -> post-norm -> + x
            Norms.rows(ops, xb, x, rows, dim, layer.attnNorm(), eps);
            ops.matmul(layer.attnQ(), xb, rows, q, qDim, dim);
            ops.matmul(layer.attnK(), xb, rows, k, kvDim, dim);
            ops.matmul(layer.attnV(), xb, rows, v, kvDim, dim);
            Norms.heads(ops, q, rows, heads, headSize, layer.attnQNorm(), eps);
            Norms.heads(ops, k, rows, kvHeads, headSize, layer.attnKNorm(), eps);
            rope.applyRows(q, k, rows, heads, kvHeads, headSize, angles);
            for (int i = 0; i < rows * qDim; i++) q[i] *= queryScale;
            attention.store(l, in, k, v);
            attention.attend(l, in, q, att);
            ops.matmul(layer.attnOutput(), att, rows, xb, dim, qDim);
            Norms.rows(ops, xb, xb, rows, dim, layer.postAttentionNorm(), eps);
            ops.add(x, 0, x, 0, xb, 0, rows * dim);

            // Feed-forward: x -> norm -> gelu(gate) * up -> down -> post-norm -> + x
            Norms.rows(ops, xb, x, rows, dim, layer.ffnNorm(), eps);
            FeedForward.gated(ops, FeedForward.Activation.GELU, layer.ffnGate(), layer.ffnUp(), layer.ffnDown(), xb, xb, gate, up, rows, dim, ffn);
            Norms.rows(ops, xb, xb, rows, dim, layer.postFfwNorm(), eps);
            ops.add(x, 0, x, 0, xb, 0, rows * dim);
        }

        // Output: final norm of the wanted rows -> classifier -> (soft cap)
        int wanted = logitRows.length, vocab = c.vocabSize();
        if (wanted == 0) return null;
        float[] normed = new float[wanted * dim];
        for (int i = 0; i < wanted; i++) ops.rmsnorm(normed, i * dim, x, logitRows[i] * dim, w.outputNorm(), dim, eps);
        float[] logits = new float[wanted * vocab];
        ops.matmul(w.output(), normed, wanted, logits, vocab, dim);
        float cap = c.finalLogitSoftcapping();
        if (cap > 0) for (int i = 0; i < logits.length; i++) logits[i] = cap * (float) Math.tanh(logits[i] / cap);
        return logits;
    }
}
