package dev.muse.models.clip;

import dev.muse.engine.Ops;
import dev.muse.engine.Parallel;
import dev.muse.engine.Tensor;
import dev.muse.formats.JsonConfig;
import dev.muse.formats.TensorSource;
import dev.muse.formats.detect.WeightFiles;
import dev.muse.models.nn.Bias;
import dev.muse.models.nn.DenseAttention;
import dev.muse.models.nn.WeightShapes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * CLIP's text transformer, which conditions a diffusion model on its prompt: token and learned position embeddings,
 * pre-LayerNorm blocks of causal multi-head attention and an MLP, a final LayerNorm. Read from a diffusers
 * {@code text_encoder/} folder (config.json + model.safetensors, transformers' CLIPTextModel / CLIPTextModelWithProjection
 * names) as people have them. {@link #encode} gives what the pipelines take: the last hidden state after the final norm
 * (SD 1.x, 2.x), the penultimate layer's output (SDXL), and, with a projection, the pooled embedding (SDXL's second
 * encoder).
 */
public final class ClipTextEncoder implements AutoCloseable {
    private static final String PREFIX = "text_model.";
    /** File names a text_encoder folder holds its weights under, in the order they are looked for. */
    private static final String[] WEIGHT_FILES = {"model.safetensors", "model.fp16.safetensors"};

    private final Ops ops;
    private final ClipTextConfig c;
    private final TensorSource source;
    private final Tensor tokenEmbedding, positionEmbedding, finalNorm, finalNormBias, projection;
    private final Layer[] layers;

    private record Layer(Tensor norm1, Tensor norm1Bias, Tensor q, Tensor qBias, Tensor k, Tensor kBias, Tensor v, Tensor vBias,
                         Tensor out, Tensor outBias, Tensor norm2, Tensor norm2Bias, Tensor fc1, Tensor fc1Bias, Tensor fc2, Tensor fc2Bias) {}

    private ClipTextEncoder(Ops ops, ClipTextConfig config, TensorSource source) {
        this.ops = ops;
        this.c = config;
        this.source = source;
        WeightShapes w = new WeightShapes(source, ops);
        int dim = config.hiddenSize(), ffn = config.intermediateSize();
        tokenEmbedding = w.table(PREFIX + "embeddings.token_embedding.weight", config.vocabSize(), dim);
        positionEmbedding = w.table(PREFIX + "embeddings.position_embedding.weight", config.positions(), dim);
        layers = w.layers(PREFIX + "encoder.layers.", config.layers(), Layer[]::new, p -> new Layer(
                w.vector(p + "layer_norm1.weight", dim), w.vector(p + "layer_norm1.bias", dim),
                w.matrix(p + "self_attn.q_proj.weight", dim, dim), w.vector(p + "self_attn.q_proj.bias", dim),
                w.matrix(p + "self_attn.k_proj.weight", dim, dim), w.vector(p + "self_attn.k_proj.bias", dim),
                w.matrix(p + "self_attn.v_proj.weight", dim, dim), w.vector(p + "self_attn.v_proj.bias", dim),
                w.matrix(p + "self_attn.out_proj.weight", dim, dim), w.vector(p + "self_attn.out_proj.bias", dim),
                w.vector(p + "layer_norm2.weight", dim), w.vector(p + "layer_norm2.bias", dim),
                w.matrix(p + "mlp.fc1.weight", ffn, dim), w.vector(p + "mlp.fc1.bias", ffn),
                w.matrix(p + "mlp.fc2.weight", dim, ffn), w.vector(p + "mlp.fc2.bias", dim)));
        finalNorm = w.vector(PREFIX + "final_layer_norm.weight", dim);
        finalNormBias = w.vector(PREFIX + "final_layer_norm.bias", dim);
        projection = config.projectionDim() > 0 && w.has("text_projection.weight") ? w.matrix("text_projection.weight", config.projectionDim(), dim) : null;
    }

    /** Opens a diffusers text_encoder folder; a FormatException says what is missing or malformed. */
    public static ClipTextEncoder load(Path folder, Ops ops) throws IOException {
        ClipTextConfig config = ClipTextConfig.from(JsonConfig.read(folder.resolve("config.json")));
        return WeightFiles.buildFirst(folder, source -> new ClipTextEncoder(ops, config, source), WEIGHT_FILES);
    }

    public ClipTextConfig config() { return c; }

    /**
     * What the text encoder gives for one prompt's ids ([tokens, hiddenSize] row-major each): the last layer's output
     * after the final LayerNorm (transformers' last_hidden_state), the penultimate layer's output (hidden_states[-2]),
     * and the pooled embedding (the final-normed state at the first end token, projected), null without a projection.
     */
    public record Encoding(int tokens, float[] lastHidden, float[] penultimate, float[] pooled) {}

    /**
     * Encodes ids (at most {@code max_position_embeddings} of them, each in the vocabulary). {@code endId} marks the
     * token whose state is pooled: its first occurrence, or the last token when it does not occur.
     */
    public Encoding encode(int[] ids, int endId) {
        int n = ids.length, dim = c.hiddenSize(), ffn = c.intermediateSize();
        if (n < 1 || n > c.positions()) throw new IllegalArgumentException("a CLIP text encoder takes 1 to " + c.positions() + " tokens, got " + n);
        float[] x = new float[n * dim], position = new float[dim];
        for (int t = 0; t < n; t++) {
            if (ids[t] < 0 || ids[t] >= c.vocabSize()) throw new IllegalArgumentException("token id " + ids[t] + " is outside the vocabulary of " + c.vocabSize());
            tokenEmbedding.dequantize((long) ids[t] * dim, x, t * dim, dim);
            positionEmbedding.dequantize((long) t * dim, position, 0, dim);
            ops.add(x, t * dim, x, t * dim, position, 0, dim);
        }
        float[] h = new float[n * dim], q = new float[n * dim], k = new float[n * dim], v = new float[n * dim], att = new float[n * dim];
        float[] hidden = new float[n * ffn], penultimate = null;
        for (int l = 0; l < layers.length; l++) {
            if (l == layers.length - 1) penultimate = x.clone();
            Layer layer = layers[l];
            layernorm(h, x, layer.norm1(), layer.norm1Bias(), n);
            ops.matmul(h, n, dim, new Tensor[] {layer.q(), layer.k(), layer.v()}, new float[][] {q, k, v}, new int[] {dim, dim, dim});
            Bias.add(ops, q, layer.qBias(), n, dim);
            Bias.add(ops, k, layer.kBias(), n, dim);
            Bias.add(ops, v, layer.vBias(), n, dim);
            DenseAttention.attend(ops, q, k, v, att, n, n, c.heads(), c.headDim(), (float) (1 / Math.sqrt(c.headDim())), true);
            ops.matmul(layer.out(), att, n, h, dim, dim);
            Bias.add(ops, h, layer.outBias(), n, dim);
            ops.add(x, 0, x, 0, h, 0, n * dim);

            layernorm(h, x, layer.norm2(), layer.norm2Bias(), n);
            ops.matmul(layer.fc1(), h, n, hidden, ffn, dim);
            Bias.add(ops, hidden, layer.fc1Bias(), n, ffn);
            Parallel.forRange(n, r -> {
                if (c.activation() == ClipTextConfig.Activation.GELU) ops.geluErf(hidden, r * ffn, ffn);
                else ops.geluQuick(hidden, r * ffn, ffn);
            });
            ops.matmul(layer.fc2(), hidden, n, h, dim, ffn);
            Bias.add(ops, h, layer.fc2Bias(), n, dim);
            ops.add(x, 0, x, 0, h, 0, n * dim);
        }
        layernorm(x, x, finalNorm, finalNormBias, n);
        float[] pooled = null;
        if (projection != null) {
            int end = 0;
            while (end < n - 1 && ids[end] != endId) end++;
            pooled = new float[c.projectionDim()];
            ops.matmul(projection, Arrays.copyOfRange(x, end * dim, (end + 1) * dim), 1, pooled, c.projectionDim(), dim);
        }
        return new Encoding(n, x, penultimate, pooled);
    }

    private void layernorm(float[] out, float[] x, Tensor weight, Tensor bias, int n) {
        int dim = c.hiddenSize();
        Parallel.forRange(n, r -> ops.layernorm(out, r * dim, x, r * dim, weight, bias, dim, c.layerNormEps()));
    }

    @Override public void close() { source.close(); }
}
