package dev.muse.models.bert;

import dev.muse.engine.Ops;
import dev.muse.formats.FormatException;
import dev.muse.formats.TensorSource;
import dev.muse.models.Embedder;
import dev.muse.models.Pooling;
import dev.muse.models.nn.EncoderLayer;
import dev.muse.models.nn.Scratch;
import dev.muse.models.nn.TokenEmbeddings;
import dev.muse.models.nn.WeightShapes;

/**
 * BERT's encoder (transformers' BertModel, as sentence-transformers' embedders such as all-MiniLM-L6-v2, bge-small and
 * e5-small use it): embeddings, then post-LayerNorm blocks of bidirectional attention and an erf-GELU feed-forward
 * layer; the sentence embedding is the mean of the last hidden state over the tokens, L2-normalised. Its sizes are read
 * from the weights' shapes; the head count is the one thing they do not show, so it is given.
 */
public final class Bert implements Embedder {
    /** BertConfig's fields that matter here. */
    public record Config(int vocab, int hidden, int heads, int intermediate, int layers, int positions, float eps) {
        public Config {
            if (heads < 1 || hidden % heads != 0) throw new FormatException("BERT's hidden size " + hidden + " is not a multiple of its " + heads + " heads");
        }

        /** The sizes the weights in {@code source} have (tensors named as transformers names them), with {@code heads} heads. */
        public static Config of(TensorSource source, int heads) {
            var words = source.info("embeddings.word_embeddings.weight");
            int layers = 0;
            while (source.has("encoder.layer." + layers + ".attention.self.query.bias")) layers++;
            if (layers == 0) throw new FormatException(source.path().getFileName() + " has no BERT encoder layers (encoder.layer.0...)");
            return new Config((int) words.dim(1), (int) words.dim(0), heads, (int) source.info("encoder.layer.0.intermediate.dense.bias").dim(0),
                    layers, (int) source.info("embeddings.position_embeddings.weight").dim(1), 1e-12f);
        }
    }

    private final Config c;
    private final Ops ops;
    private final TokenEmbeddings embeddings;
    private final EncoderLayer[] layers;

    private Bert(Config c, WeightShapes w) {
        this.c = c;
        this.ops = w.ops();
        int h = c.hidden(), ffn = c.intermediate();
        embeddings = TokenEmbeddings.load(w, "embeddings.", c.vocab(), c.positions(), h, c.eps());
        layers = w.layers("encoder.layer.", c.layers(), EncoderLayer[]::new, l -> new EncoderLayer(
                w.matrix(l + "attention.self.query.weight", h, h), w.vector(l + "attention.self.query.bias", h),
                w.matrix(l + "attention.self.key.weight", h, h), w.vector(l + "attention.self.key.bias", h),
                w.matrix(l + "attention.self.value.weight", h, h), w.vector(l + "attention.self.value.bias", h),
                w.matrix(l + "attention.output.dense.weight", h, h), w.vector(l + "attention.output.dense.bias", h),
                w.vector(l + "attention.output.LayerNorm.weight", h), w.vector(l + "attention.output.LayerNorm.bias", h),
                w.matrix(l + "intermediate.dense.weight", ffn, h), w.vector(l + "intermediate.dense.bias", ffn),
                w.matrix(l + "output.dense.weight", h, ffn), w.vector(l + "output.dense.bias", h),
                w.vector(l + "output.LayerNorm.weight", h), w.vector(l + "output.LayerNorm.bias", h)));
    }

    /** The encoder in {@code source} (transformers' tensor names, no prefix), computing with {@code ops}. */
    public static Bert load(TensorSource source, Config c, Ops ops) {
        return new Bert(c, new WeightShapes(source, ops));
    }

    public Config config() { return c; }

    @Override public String architecture() { return "bert"; }

    @Override public int contextLength() { return c.positions(); }

    @Override public Pooling pooling() { return Pooling.MEAN; }

    /** The last hidden state, [ids.length, hidden], of one unpadded sequence (every token attends to every other). */
    public float[] encode(int[] ids) {
        int n = ids.length;
        float[] x = embeddings.embed(ops, ids);
        EncoderLayer.Shape shape = new EncoderLayer.Shape(c.hidden(), c.heads(), c.intermediate(), c.eps(), true);
        Scratch scratch = EncoderLayer.scratch();
        for (EncoderLayer layer : layers) layer.forward(ops, x, n, shape, scratch);
        return x;
    }

    /** The mean of the last hidden state over the tokens, L2-normalised (sentence-transformers' Pooling + Normalize). */
    @Override public float[] embed(int[] tokens) {
        float[] x = encode(tokens);
        int h = c.hidden();
        float[] mean = new float[h];
        for (int t = 0; t < tokens.length; t++) ops.add(mean, 0, mean, 0, x, t * h, h);
        double norm = 0;
        for (int i = 0; i < h; i++) {
            mean[i] /= tokens.length;
            norm += mean[i] * mean[i];
        }
        float scale = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
        for (int i = 0; i < h; i++) mean[i] *= scale;
        return mean;
    }
}
