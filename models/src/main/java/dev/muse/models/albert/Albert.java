package dev.muse.models.albert;

import dev.muse.engine.Ops;
import dev.muse.engine.Tensor;
import dev.muse.formats.FormatException;
import dev.muse.formats.JsonConfig;
import dev.muse.models.nn.Bias;
import dev.muse.models.nn.EncoderLayer;
import dev.muse.models.nn.Scratch;
import dev.muse.models.nn.TokenEmbeddings;
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

    private final Config c;
    private final TokenEmbeddings embeddings;
    private final Tensor mapping, mappingBias;
    private final EncoderLayer[][] groups;

    private Albert(Config c, WeightShapes w, String prefix) {
        this.c = c;
        int e = c.embedding(), h = c.hidden(), ffn = c.intermediate();
        embeddings = TokenEmbeddings.load(w, prefix + "embeddings.", c.vocab(), c.positions(), e, c.eps());
        mapping = w.matrix(prefix + "encoder.embedding_hidden_mapping_in.weight", h, e);
        mappingBias = w.vector(prefix + "encoder.embedding_hidden_mapping_in.bias", h);
        groups = new EncoderLayer[c.groups()][];
        for (int g = 0; g < c.groups(); g++)
            groups[g] = w.layers(prefix + "encoder.albert_layer_groups." + g + ".albert_layers.", c.innerLayers(), EncoderLayer[]::new, l -> new EncoderLayer(
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
        int n = ids.length, e = c.embedding(), h = c.hidden();
        float[] embedded = embeddings.embed(ops, ids);
        float[] x = new float[n * h];
        ops.matmul(mapping, embedded, n, x, h, e);
        Bias.add(ops, x, mappingBias, n, h);
        EncoderLayer.Shape shape = new EncoderLayer.Shape(h, c.heads(), c.intermediate(), c.eps(), false);
        Scratch scratch = EncoderLayer.scratch();
        int perGroup = c.layers() / c.groups();
        for (int i = 0; i < c.layers(); i++)
            for (EncoderLayer layer : groups[i / perGroup]) layer.forward(ops, x, n, shape, scratch);
        return x;
    }
}
