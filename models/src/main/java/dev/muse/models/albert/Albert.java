package dev.muse.models.albert;

import dev.muse.engine.Ops;
import dev.muse.engine.Parallel;
import dev.muse.engine.Tensor;
import dev.muse.formats.FormatException;
import dev.muse.formats.JsonConfig;
import dev.muse.models.nn.Bias;
import dev.muse.models.nn.DenseAttention;
import dev.muse.models.nn.WeightShapes;

/**
 * ALBERT's encoder (transformers' AlbertModel, whose last hidden state Kokoro's PL-BERT phoneme encoder is): word,
 * position and token-type embeddings (type 0) summed and LayerNormed, projected from the embedding width to the hidden
 * one, then post-LayerNorm blocks of bidirectional multi-head attention and a GELU (tanh) feed-forward layer, the
 * blocks' weights shared: layer i runs group i / (layers / groups), each group its inner layers in turn.
 */
public final class Albert {
    /** transformers' AlbertConfig fields, with its defaults where a config leaves them out (Kokoro's "plbert" does). */
    public record Config(int vocab, int embedding, int hidden, int heads, int intermediate, int layers, int groups, int innerLayers,
                         int positions, float eps) {
        public Config {
            if (hidden % heads != 0) throw new FormatException("ALBERT's hidden size " + hidden + " is not a multiple of its " + heads + " heads");
            if (layers % groups != 0) throw new FormatException("ALBERT's " + layers + " layers do not divide into " + groups + " groups");
        }

        /** Reads an AlbertConfig's fields; the vocabulary size is given (Kokoro's n_token). */
        public static Config from(JsonConfig c, int vocab) {
            String act = c.string("hidden_act", "gelu_new");
            if (!act.equals("gelu_new")) throw new FormatException(c.where() + ": hidden_act " + act + " is not supported (gelu_new is)");
            return new Config(vocab, c.has("embedding_size") ? c.integer("embedding_size", 1, 1 << 14) : 128, c.integer("hidden_size", 1, 1 << 14),
                    c.integer("num_attention_heads", 1, 256), c.integer("intermediate_size", 1, 1 << 16), c.integer("num_hidden_layers", 1, 256),
                    c.has("num_hidden_groups") ? c.integer("num_hidden_groups", 1, 256) : 1, c.has("inner_group_num") ? c.integer("inner_group_num", 1, 256) : 1,
                    c.has("max_position_embeddings") ? c.integer("max_position_embeddings", 1, 1 << 16) : 512, (float) c.number("layer_norm_eps", 1e-12));
        }
    }

    private record Layer(Tensor q, Tensor qBias, Tensor k, Tensor kBias, Tensor v, Tensor vBias, Tensor out, Tensor outBias, Tensor norm,
                         Tensor normBias, Tensor ffn, Tensor ffnBias, Tensor ffnOut, Tensor ffnOutBias, Tensor fullNorm, Tensor fullNormBias) {}

    private final Config c;
    private final Tensor words, positions, types, embeddingNorm, embeddingNormBias, mapping, mappingBias;
    private final Layer[][] groups;

    private Albert(Config c, WeightShapes w, String prefix) {
        this.c = c;
        int e = c.embedding(), h = c.hidden(), ffn = c.intermediate();
        String p = prefix + "embeddings.";
        words = w.table(p + "word_embeddings.weight", c.vocab(), e);
        positions = w.table(p + "position_embeddings.weight", c.positions(), e);
        String typeTable = p + "token_type_embeddings.weight"; // every token is of type 0: only the first row is read
        types = w.table(typeTable, (int) Math.min(Integer.MAX_VALUE, w.source().info(typeTable).dim(1)), e);
        embeddingNorm = w.vector(p + "LayerNorm.weight", e);
        embeddingNormBias = w.vector(p + "LayerNorm.bias", e);
        mapping = w.matrix(prefix + "encoder.embedding_hidden_mapping_in.weight", h, e);
        mappingBias = w.vector(prefix + "encoder.embedding_hidden_mapping_in.bias", h);
        groups = new Layer[c.groups()][];
        for (int g = 0; g < c.groups(); g++)
            groups[g] = w.layers(prefix + "encoder.albert_layer_groups." + g + ".albert_layers.", c.innerLayers(), Layer[]::new, l -> new Layer(
                    w.matrix(l + "attention.query.weight", h, h), w.vector(l + "attention.query.bias", h),
                    w.matrix(l + "attention.key.weight", h, h), w.vector(l + "attention.key.bias", h),
                    w.matrix(l + "attention.value.weight", h, h), w.vector(l + "attention.value.bias", h),
                    w.matrix(l + "attention.dense.weight", h, h), w.vector(l + "attention.dense.bias", h),
                    w.vector(l + "attention.LayerNorm.weight", h), w.vector(l + "attention.LayerNorm.bias", h),
                    w.matrix(l + "ffn.weight", ffn, h), w.vector(l + "ffn.bias", ffn), w.matrix(l + "ffn_output.weight", h, ffn),
                    w.vector(l + "ffn_output.bias", h), w.vector(l + "full_layer_layer_norm.weight", h), w.vector(l + "full_layer_layer_norm.bias", h)));
    }

    /** Loads the encoder whose tensors are named {@code prefix} + transformers' names ("bert.module." in Kokoro). */
    public static Albert load(WeightShapes w, String prefix, Config c) {
        return new Albert(c, w, prefix);
    }

    public Config config() { return c; }

    /** The last hidden state, [ids.length, hidden], of one unpadded sequence (every token attends to every other). */
    public float[] encode(Ops ops, int[] ids) {
        int n = ids.length, e = c.embedding(), h = c.hidden(), ffn = c.intermediate(), headDim = h / c.heads();
        if (n < 1 || n > c.positions()) throw new IllegalArgumentException("ALBERT takes 1 to " + c.positions() + " tokens, got " + n);
        float[] embedded = new float[n * e], row = new float[e];
        for (int t = 0; t < n; t++) {
            if (ids[t] < 0 || ids[t] >= c.vocab()) throw new IllegalArgumentException("token id " + ids[t] + " is outside the vocabulary of " + c.vocab());
            words.dequantize((long) ids[t] * e, embedded, t * e, e);
            positions.dequantize((long) t * e, row, 0, e);
            ops.add(embedded, t * e, embedded, t * e, row, 0, e);
            types.dequantize(0, row, 0, e);
            ops.add(embedded, t * e, embedded, t * e, row, 0, e);
            ops.layernorm(embedded, t * e, embedded, t * e, embeddingNorm, embeddingNormBias, e, c.eps());
        }
        float[] x = new float[n * h];
        ops.matmul(mapping, embedded, n, x, h, e);
        Bias.add(ops, x, mappingBias, n, h);
        float[] q = new float[n * h], k = new float[n * h], v = new float[n * h], att = new float[n * h], projected = new float[n * h];
        float[] hidden = new float[n * ffn];
        float scale = (float) (1 / Math.sqrt(headDim));
        int perGroup = c.layers() / c.groups();
        for (int i = 0; i < c.layers(); i++)
            for (Layer layer : groups[i / perGroup]) {
                ops.matmul(x, n, h, new Tensor[] {layer.q(), layer.k(), layer.v()}, new float[][] {q, k, v}, new int[] {h, h, h});
                Bias.add(ops, q, layer.qBias(), n, h);
                Bias.add(ops, k, layer.kBias(), n, h);
                Bias.add(ops, v, layer.vBias(), n, h);
                DenseAttention.attend(ops, q, k, v, att, n, n, c.heads(), headDim, scale, false);
                ops.matmul(layer.out(), att, n, projected, h, h);
                Bias.add(ops, projected, layer.outBias(), n, h);
                ops.add(x, 0, x, 0, projected, 0, n * h);
                layernorm(ops, x, layer.norm(), layer.normBias(), n);
                ops.matmul(layer.ffn(), x, n, hidden, ffn, h);
                Bias.add(ops, hidden, layer.ffnBias(), n, ffn);
                Parallel.forRange(n, r -> ops.gelu(hidden, r * ffn, ffn));
                ops.matmul(layer.ffnOut(), hidden, n, projected, h, ffn);
                Bias.add(ops, projected, layer.ffnOutBias(), n, h);
                ops.add(x, 0, x, 0, projected, 0, n * h);
                layernorm(ops, x, layer.fullNorm(), layer.fullNormBias(), n);
            }
        return x;
    }

    private void layernorm(Ops ops, float[] x, Tensor weight, Tensor bias, int n) {
        int h = c.hidden();
        Parallel.forRange(n, r -> ops.layernorm(x, r * h, x, r * h, weight, bias, h, c.eps()));
    }
}
