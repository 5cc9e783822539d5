package dev.muse.models.llama;

import dev.muse.engine.Kernels;
import dev.muse.engine.Parallel;
import dev.muse.engine.Tensor;
import dev.muse.formats.FormatException;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.models.KvCache;
import dev.muse.models.LanguageModel;
import dev.muse.models.Pooling;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The Llama-family forward pass (Llama 2/3.x, SmolLM2, Mistral, Qwen2.5, Qwen3): RMSNorm, grouped-query
 * attention with RoPE, SwiGLU feed-forward. Optional QKV biases (Qwen2) and QK-norm (Qwen3) are weights
 * that exist or not. Tokens are processed as a batch of rows, so prompt processing reads each weight
 * once per batch; each row carries its own KV cache and position, so rows may belong to different
 * sequences.
 */
final class Llama implements LanguageModel {
    /** Rows per forward chunk: bounds activation memory (rows x feed-forward floats) during prompt processing. */
    private static final int MAX_ROWS = 64;

    private final LlamaConfig c;
    private final LlamaWeights w;
    private final Rope rope;

    private Llama(LlamaConfig config, LlamaWeights weights) {
        this.c = config;
        this.w = weights;
        this.rope = new Rope(config.ropeDimensionCount(), config.ropeFreqBase(), config.ropeFreqScale(), weights.ropeFreqs(), config.ropeNeox());
    }

    static Llama load(GgufFile file) {
        int vocab = (int) file.info("token_embd.weight").dim(1);
        LlamaConfig config = LlamaConfig.from(file.metadata(), vocab);
        if (config.valueLength() != config.keyLength())
            throw new FormatException("key length " + config.keyLength() + " != value length " + config.valueLength() + " is not supported");
        return new Llama(config, LlamaWeights.load(file, config));
    }

    LlamaConfig config() { return c; }

    @Override public String architecture() { return c.architecture(); }

    @Override public int contextLength() { return c.contextLength(); }

    @Override public int vocabularySize() { return c.vocabSize(); }

    @Override public Pooling pooling() { return c.poolingType(); }

    @Override public float[] embed(int[] tokens) {
        if (c.poolingType() == Pooling.NONE) throw new UnsupportedOperationException("the model declares no pooling: it does not make embeddings");
        if (tokens.length == 0) throw new IllegalArgumentException("embed needs at least one token");
        checkTokens(tokens);
        int dim = c.embeddingLength();
        KvCache cache = newCache(tokens.length);
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

    private void checkTokens(int[] tokens) {
        for (int t : tokens) if (t < 0 || t >= c.vocabSize()) throw new IllegalArgumentException("token id " + t + " is outside the vocabulary");
    }

    @Override public KvCache newCache(int capacity) { return new KvCache(c.blockCount(), capacity, c.kvDim()); }

    @Override public float[] forward(KvCache cache, int[] tokens) {
        return forward(List.of(new Step(cache, tokens)))[0];
    }

    @Override public int embeddingLength() { return c.embeddingLength(); }

    @Override public float[][] forward(List<Step> steps) {
        Set<KvCache> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        int total = 0, dim = c.embeddingLength();
        for (Step step : steps) {
            if (!distinct.add(step.cache())) throw new IllegalArgumentException("two steps of one batch share a KV cache");
            if (step.tokens() != null) checkTokens(step.tokens());
            else if (step.vectors().length != step.rows() * dim)
                throw new IllegalArgumentException("a vector step needs rows of " + dim + " floats, the model's embedding length");
            total += step.rows();
        }
        // Lay the steps out as rows: row i is one token (or vector) of one sequence at its own position.
        Rows all = new Rows(total);
        int[] lastRowOfStep = new int[steps.size()], starts = new int[steps.size()];
        int appended = 0;
        try {
            for (int s = 0, row = 0; s < steps.size(); s++, appended++) {
                Step step = steps.get(s);
                starts[s] = step.cache().append(step.rows());
                for (int t = 0; t < step.rows(); t++, row++) {
                    all.caches[row] = step.cache();
                    all.positions[row] = starts[s] + t;
                    all.visible[row] = step.bidirectional() ? starts[s] + step.rows() : starts[s] + t + 1;
                    if (step.tokens() != null) all.tokens[row] = step.tokens()[t];
                    else {
                        all.vectors[row] = step.vectors();
                        all.vectorOffsets[row] = t * dim;
                    }
                }
                lastRowOfStep[s] = row - 1;
            }
            float[][] logits = new float[steps.size()][];
            int vocab = c.vocabSize();
            for (int from = 0, s = 0; from < total; ) {
                int rows = Math.min(MAX_ROWS, total - from);
                // A bidirectional step is never split: its rows must all be in the cache before any attends.
                for (int t = 0, row = 0; t < steps.size(); row += steps.get(t).rows(), t++) {
                    int end = row + steps.get(t).rows();
                    if (steps.get(t).bidirectional() && row < from + rows && end > from + rows) rows = end - from;
                }
                int firstStep = s;
                while (s < steps.size() && lastRowOfStep[s] < from + rows) s++;
                int[] logitRows = new int[s - firstStep];
                for (int i = 0; i < logitRows.length; i++) logitRows[i] = lastRowOfStep[firstStep + i] - from;
                float[] chunk = run(all.slice(from, from + rows), logitRows, false);
                for (int i = 0; i < logitRows.length; i++) logits[firstStep + i] = Arrays.copyOfRange(chunk, i * vocab, (i + 1) * vocab);
                from += rows;
            }
            return logits;
        } catch (RuntimeException e) {
            for (int s = 0; s < appended; s++) steps.get(s).cache().truncate(starts[s]); // a failed step leaves every sequence as it was
            throw e;
        }
    }

    /**
     * The rows of one batch: row r is tokens[r] (or, where vectors[r] is set, the vector at vectorOffsets[r]
     * of it) at positions[r] of caches[r], attending to the first visible[r] positions of its cache.
     */
    private record Rows(KvCache[] caches, int[] positions, int[] visible, int[] tokens, float[][] vectors, int[] vectorOffsets) {
        Rows(int n) {
            this(new KvCache[n], new int[n], new int[n], new int[n], new float[n][], new int[n]);
        }

        int size() { return tokens.length; }

        Rows slice(int from, int to) {
            return new Rows(Arrays.copyOfRange(caches, from, to), Arrays.copyOfRange(positions, from, to), Arrays.copyOfRange(visible, from, to),
                    Arrays.copyOfRange(tokens, from, to), Arrays.copyOfRange(vectors, from, to), Arrays.copyOfRange(vectorOffsets, from, to));
        }
    }

    /**
     * One batch of rows through every layer. The logits of the rows listed in logitRows come back
     * concatenated; with {@code hiddenOnly}, their final normed hidden states instead (what embeddings pool).
     */
    float[] run(Rows in, int[] logitRows, boolean hiddenOnly) {
        int rows = in.size();
        KvCache[] caches = in.caches();
        int[] positions = in.positions();
        int dim = c.embeddingLength(), qDim = c.queryDim(), kvDim = c.kvDim(), ffn = c.feedForwardLength();
        int heads = c.headCount(), kvHeads = c.headCountKv(), headSize = c.keyLength();
        float eps = c.layerNormRmsEpsilon();
        float[] x = new float[rows * dim];       // [rows, dim] the residual stream
        float[] xb = new float[rows * dim];      // [rows, dim] normed input / block output
        float[] q = new float[rows * qDim];      // [rows, heads*headSize]
        float[] k = new float[rows * kvDim];     // [rows, kvHeads*headSize]
        float[] v = new float[rows * kvDim];
        float[] att = new float[rows * qDim];    // [rows, heads*headSize] attention output
        float[] gate = new float[rows * ffn];    // [rows, ffn]
        float[] up = new float[rows * ffn];

        for (int r = 0; r < rows; r++) {
            if (in.vectors()[r] != null) System.arraycopy(in.vectors()[r], in.vectorOffsets()[r], x, r * dim, dim);
            else w.tokenEmbd().dequantize((long) in.tokens()[r] * dim, x, r * dim, dim);
        }
        float[][] angles = new float[rows][];
        for (int r = 0; r < rows; r++) angles[r] = rope.angles(positions[r]);

        for (int l = 0; l < c.blockCount(); l++) {
            LlamaWeights.Layer layer = w.layers()[l];

            // Attention: x -> norm -> q, k, v -> (bias) -> (QK-norm) -> RoPE -> cache -> softmax(qK)V -> wo -> + x
            for (int r = 0; r < rows; r++) Kernels.rmsnorm(xb, r * dim, x, r * dim, layer.attnNorm(), dim, eps);
            Kernels.matmulBatch(layer.attnQ(), xb, rows, q, qDim, dim);
            Kernels.matmulBatch(layer.attnK(), xb, rows, k, kvDim, dim);
            Kernels.matmulBatch(layer.attnV(), xb, rows, v, kvDim, dim);
            addBias(q, layer.attnQBias(), rows, qDim);
            addBias(k, layer.attnKBias(), rows, kvDim);
            addBias(v, layer.attnVBias(), rows, kvDim);
            for (int r = 0; r < rows; r++) {
                if (layer.attnQNorm() != null)
                    for (int h = 0; h < heads; h++) Kernels.rmsnorm(q, r * qDim + h * headSize, q, r * qDim + h * headSize, layer.attnQNorm(), headSize, eps);
                if (layer.attnKNorm() != null)
                    for (int h = 0; h < kvHeads; h++) Kernels.rmsnorm(k, r * kvDim + h * headSize, k, r * kvDim + h * headSize, layer.attnKNorm(), headSize, eps);
                rope.apply(q, r * qDim, heads, headSize, angles[r]);
                rope.apply(k, r * kvDim, kvHeads, headSize, angles[r]);
                System.arraycopy(k, r * kvDim, caches[r].keys(l), positions[r] * kvDim, kvDim);
                System.arraycopy(v, r * kvDim, caches[r].values(l), positions[r] * kvDim, kvDim);
            }
            attention(l, caches, in.visible(), q, att, rows);
            Kernels.matmulBatch(layer.attnOutput(), att, rows, xb, dim, qDim);
            Kernels.add(x, 0, x, 0, xb, 0, rows * dim);

            // Feed-forward: x -> norm -> silu(gate) * up -> down -> + x
            for (int r = 0; r < rows; r++) Kernels.rmsnorm(xb, r * dim, x, r * dim, layer.ffnNorm(), dim, eps);
            Kernels.matmulBatch(layer.ffnGate(), xb, rows, gate, ffn, dim);
            Kernels.matmulBatch(layer.ffnUp(), xb, rows, up, ffn, dim);
            Kernels.silu(gate, 0, rows * ffn);
            Kernels.mul(gate, 0, gate, 0, up, 0, rows * ffn);
            Kernels.matmulBatch(layer.ffnDown(), gate, rows, xb, dim, ffn);
            Kernels.add(x, 0, x, 0, xb, 0, rows * dim);
        }

        // Output: final norm of the wanted rows -> classifier
        int wanted = logitRows.length;
        if (wanted == 0) return null;
        float[] normed = new float[wanted * dim];
        for (int i = 0; i < wanted; i++) Kernels.rmsnorm(normed, i * dim, x, logitRows[i] * dim, w.outputNorm(), dim, eps);
        if (hiddenOnly) return normed;
        float[] logits = new float[wanted * c.vocabSize()];
        Kernels.matmulBatch(w.output(), normed, wanted, logits, c.vocabSize(), dim);
        return logits;
    }

    private static void addBias(float[] out, Tensor bias, int rows, int n) {
        if (bias == null) return;
        float[] b = new float[n];
        bias.dequantize(0, b, 0, n);
        for (int r = 0; r < rows; r++) for (int i = 0; i < n; i++) out[r * n + i] += b[i];
    }

    /** softmax(q·K / sqrt(headSize)) · V for every (row, head), each row over the first visible[r] positions of its own cache. */
    private void attention(int layer, KvCache[] caches, int[] visible, float[] q, float[] out, int rows) {
        int heads = c.headCount(), headSize = c.keyLength(), qDim = c.queryDim(), kvDim = c.kvDim();
        int group = heads / c.headCountKv();
        float scale = (float) (1.0 / Math.sqrt(headSize));
        Parallel.forRange(rows * heads, item -> {
            int r = item / heads, h = item % heads;
            float[] keys = caches[r].keys(layer), values = caches[r].values(layer);
            int length = visible[r], qOff = r * qDim + h * headSize, kvOff = (h / group) * headSize;
            float[] scores = new float[length];
            for (int t = 0; t < length; t++) scores[t] = Kernels.dot(q, qOff, keys, t * kvDim + kvOff, headSize) * scale;
            Kernels.softmax(scores, 0, length);
            int o = r * qDim + h * headSize;
            java.util.Arrays.fill(out, o, o + headSize, 0f);
            for (int t = 0; t < length; t++) {
                float s = scores[t];
                int base = t * kvDim + kvOff;
                for (int i = 0; i < headSize; i++) out[o + i] += s * values[base + i];
            }
        });
    }
}
