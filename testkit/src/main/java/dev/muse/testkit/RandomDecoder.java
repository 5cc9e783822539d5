package dev.muse.testkit;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Tensor;
import dev.muse.formats.Metadata;
import dev.muse.formats.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Writes a random-weight decoder GGUF of a {@link DecoderShape}: the metadata keys, value types and tensor names that
 * llama.cpp reads, a given vocabulary, and seeded values ({@link RandomTensors}). Every 2D weight is stored in
 * {@code type} (token_embd.weight in {@code embeddingType}); norms, biases and rope_freqs stay F32, as llama.cpp's
 * converters keep them. The one writer of decoder files: the tests' tiny models ({@link TinyModel}) and the
 * benchmarks' full-size ones.
 *
 * <p>Scales: linear weights have std 1/sqrt(fan-in), so every layer changes the residual stream by about as much as
 * it holds (a bug anywhere changes the greedy tokens); embeddings have the shape's small std (the first norm rescales
 * them anyway, and with tied embeddings a larger one makes the last token's own row dominate the logits); norm weights
 * are 1 + N(0, 0.1^2), so a norm applied without its weight is visible; biases N(0, 0.1^2).
 */
public record RandomDecoder(String name, DecoderShape shape, Metadata vocabulary, GgmlType type, GgmlType embeddingType, long seed) {
    static final float NORM_STD = 0.1f;
    static final float BIAS_STD = 0.1f;

    public RandomDecoder {
        for (GgmlType t : new GgmlType[] {type, embeddingType}) {
            switch (t) {
                case F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q4_K, Q5_K, Q6_K -> { }
                default -> throw new IllegalArgumentException("random decoders are not written in " + t);
            }
        }
    }

    /** Writes the model with extra metadata (a chat template, a pooling type, ...) added by {@code extra}, atomically. */
    public Path write(Path file, Consumer<Metadata> extra) throws IOException {
        DecoderShape f = shape;
        int vocab = vocabulary.getStrings("tokenizer.ggml.tokens").length;
        int qDim = f.queryDim(), kvDim = f.kvDim();
        Metadata metadata = metadata(vocab);
        extra.accept(metadata);
        GgufWriter w = new GgufWriter(metadata);
        RandomTensors random = new RandomTensors(seed);

        w.addTensor("token_embd.weight", embeddingType, new long[] {f.embedding(), vocab},
                random.values("token_embd.weight", embeddingType, (long) f.embedding() * vocab, 0f, f.embeddingStd()));
        if (f.llama3RopeScaling() != null)
            w.addTensor("rope_freqs.weight", GgmlType.F32, new long[] {f.headDim() / 2}, () -> Tensor.quantize(GgmlType.F32, llama3RopeFreqs()));
        for (int l = 0; l < f.layers(); l++) {
            String b = "blk." + l + ".";
            random.vector(w, b + "attn_norm.weight", f.embedding(), 1f, NORM_STD);
            random.matrix(w, b + "attn_q.weight", type, qDim, f.embedding());
            random.matrix(w, b + "attn_k.weight", type, kvDim, f.embedding());
            random.matrix(w, b + "attn_v.weight", type, kvDim, f.embedding());
            if (f.qkvBias()) {
                random.vector(w, b + "attn_q.bias", qDim, 0f, BIAS_STD);
                random.vector(w, b + "attn_k.bias", kvDim, 0f, BIAS_STD);
                random.vector(w, b + "attn_v.bias", kvDim, 0f, BIAS_STD);
            }
            if (f.qkNorm()) {
                random.vector(w, b + "attn_q_norm.weight", f.headDim(), 1f, NORM_STD);
                random.vector(w, b + "attn_k_norm.weight", f.headDim(), 1f, NORM_STD);
            }
            random.matrix(w, b + "attn_output.weight", type, f.embedding(), qDim);
            if (f.postNorms()) random.vector(w, b + "post_attention_norm.weight", f.embedding(), 1f, NORM_STD);
            random.vector(w, b + "ffn_norm.weight", f.embedding(), 1f, NORM_STD);
            random.matrix(w, b + "ffn_gate.weight", type, f.feedForward(), f.embedding());
            random.matrix(w, b + "ffn_up.weight", type, f.feedForward(), f.embedding());
            random.matrix(w, b + "ffn_down.weight", type, f.embedding(), f.feedForward());
            if (f.postNorms()) random.vector(w, b + "post_ffw_norm.weight", f.embedding(), 1f, NORM_STD);
        }
        random.vector(w, "output_norm.weight", f.embedding(), 1f, NORM_STD);
        if (!f.tied()) random.matrix(w, "output.weight", type, vocab, f.embedding());
        w.write(file);
        return file;
    }

    private Metadata metadata(int vocab) {
        DecoderShape f = shape;
        String a = f.architecture();
        Metadata m = new Metadata();
        m.putString("general.architecture", a);
        m.putString("general.name", name);
        m.putUInt32("general.file_type", fileType());
        m.putUInt32(a + ".vocab_size", vocab);
        m.putUInt32(a + ".context_length", f.context());
        m.putUInt32(a + ".embedding_length", f.embedding());
        m.putUInt32(a + ".block_count", f.layers());
        m.putUInt32(a + ".feed_forward_length", f.feedForward());
        m.putUInt32(a + ".attention.head_count", f.heads());
        m.putUInt32(a + ".attention.head_count_kv", f.kvHeads());
        if (f.explicitHeadDim()) {
            m.putUInt32(a + ".attention.key_length", f.headDim());
            m.putUInt32(a + ".attention.value_length", f.headDim());
        }
        m.putFloat32(a + ".attention.layer_norm_rms_epsilon", f.rmsEps());
        m.putFloat32(a + ".rope.freq_base", f.ropeTheta());
        m.putUInt32(a + ".rope.dimension_count", f.headDim());
        if (f.slidingWindow() > 0) m.putUInt32(a + ".attention.sliding_window", f.slidingWindow());
        if (f.linearRopeScaling() > 0) {
            m.putString(a + ".rope.scaling.type", "linear");
            m.putFloat32(a + ".rope.scaling.factor", f.linearRopeScaling());
        }
        for (String key : vocabulary.keys()) m.put(key, vocabulary.type(key), vocabulary.elementType(key), vocabulary.get(key));
        return m;
    }

    /** llama.cpp's llama_ftype for a model whose weights are mostly {@link #type} (informational only). */
    private int fileType() {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q4_1 -> 3;
            case Q8_0 -> 7;
            case Q4_K -> 15;
            case Q5_K -> 17;
            case Q6_K -> 18;
            case BF16 -> 32;
            default -> throw new IllegalStateException(type.toString());
        };
    }

    /**
     * The rope_freqs tensor that convert_hf_to_gguf.py writes for rope_scaling.rope_type "llama3": one
     * divisor per rotated pair, computed in float32 like its torch code.
     */
    float[] llama3RopeFreqs() {
        float[] s = shape.llama3RopeScaling();
        float factor = s[0], lowFreqFactor = s[1], highFreqFactor = s[2], oldContext = s[3];
        int dim = shape.headDim();
        float lowFreqWavelen = oldContext / lowFreqFactor, highFreqWavelen = oldContext / highFreqFactor;
        float[] factors = new float[dim / 2];
        for (int i = 0; i < factors.length; i++) {
            float freq = 1f / (float) Math.pow(shape.ropeTheta(), (float) (2 * i) / dim);
            float wavelen = (float) (2 * Math.PI) / freq;
            if (wavelen < highFreqWavelen) {
                factors[i] = 1f;
            } else if (wavelen > lowFreqWavelen) {
                factors[i] = factor;
            } else {
                float smooth = (oldContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                factors[i] = 1f / ((1 - smooth) / factor + smooth);
            }
        }
        return factors;
    }
}
