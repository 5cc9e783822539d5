package dev.muse.testkit;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Tensor;
import dev.muse.formats.Metadata;
import dev.muse.formats.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Writes a tiny random-weight GGUF model of a {@link TinyFamily}, with the metadata keys, value types
 * and tensor names that llama.cpp reads, and a real vocabulary. Weights are seeded gaussians, so the
 * same settings always give the same file (each tensor draws from its own stream derived from the seed
 * and its name). Every 2D weight is stored in {@link #type}; norms, biases and rope_freqs stay F32, as
 * llama.cpp's converters keep them.
 *
 * <p>Scales: linear weights have std 1/sqrt(fan-in) so every layer changes the residual stream by about
 * as much as it holds (a bug anywhere changes the greedy tokens); embeddings have the small std
 * {@link #EMBEDDING_STD} (or the family's own): the first norm rescales them anyway, and with tied embeddings a larger one makes
 * the last token's own row dominate the logits, so greedy decoding just repeats it. Norm weights are
 * 1 + N(0, 0.1^2) so that a norm applied without its weight is visible. Random logits leave some greedy steps
 * with close top-two logits; tests that compare engines account for that (see the golden tests).
 *
 * <pre>
 * Path file = new TinyModel(TinyFamily.QWEN2, GgmlType.Q4_K, 7).write(dir.resolve("qwen2-q4k.gguf"));
 * </pre>
 */
public record TinyModel(TinyFamily family, GgmlType type, GgmlType embeddingType, long seed, int layers) {
    static final float EMBEDDING_STD = 0.05f;
    static final float NORM_STD = 0.1f;
    static final float BIAS_STD = 0.1f;

    public TinyModel {
        if (layers < 1) throw new IllegalArgumentException("layers must be at least 1");
        for (GgmlType t : new GgmlType[] {type, embeddingType}) {
            switch (t) {
                case F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q4_K, Q5_K, Q6_K -> { }
                default -> throw new IllegalArgumentException("tiny models are not written in " + t);
            }
        }
    }

    /** token_embd.weight in the same type as the other matrices. */
    public TinyModel(TinyFamily family, GgmlType type, long seed, int layers) {
        this(family, type, type, seed, layers);
    }

    /** The family's default number of layers. */
    public TinyModel(TinyFamily family, GgmlType type, long seed) {
        this(family, type, seed, family.layers);
    }

    /** The same model with token_embd.weight stored in another type. */
    public TinyModel withEmbeddingType(GgmlType embedding) {
        return new TinyModel(family, type, embedding, seed, layers);
    }

    /** A short name for files and test reports, such as "qwen2-q4_k" or "llama2-f32-embd_q6_k". */
    public String name() {
        String name = family.name().toLowerCase(java.util.Locale.ROOT) + "-" + type.name().toLowerCase(java.util.Locale.ROOT);
        return embeddingType == type ? name : name + "-embd_" + embeddingType.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Writes the model to {@code file} (atomically) and returns the path. */
    public Path write(Path file) throws IOException {
        return write(file, m -> { });
    }

    /** Writes the model with extra metadata (a chat template, a pooling type, ...) added by {@code extra}. */
    public Path write(Path file, Consumer<Metadata> extra) throws IOException {
        TinyFamily f = family;
        int vocab = f.vocab.size();
        int qDim = f.heads * f.headDim, kvDim = f.kvHeads * f.headDim;
        Metadata metadata = metadata(vocab);
        extra.accept(metadata);
        GgufWriter w = new GgufWriter(metadata);

        w.addTensor("token_embd.weight", embeddingType, new long[] {f.embedding, vocab},
                weights("token_embd.weight", embeddingType, (long) f.embedding * vocab, f.embeddingStd));
        if (f.llama3RopeScaling != null)
            w.addTensor("rope_freqs.weight", GgmlType.F32, new long[] {f.headDim / 2}, () -> Tensor.quantize(GgmlType.F32, llama3RopeFreqs()));
        for (int l = 0; l < layers; l++) {
            String b = "blk." + l + ".";
            w.addTensor(b + "attn_norm.weight", GgmlType.F32, new long[] {f.embedding}, norm(b + "attn_norm.weight", f.embedding));
            matrix(w, b + "attn_q.weight", f.embedding, qDim);
            matrix(w, b + "attn_k.weight", f.embedding, kvDim);
            matrix(w, b + "attn_v.weight", f.embedding, kvDim);
            if (f.qkvBias) {
                bias(w, b + "attn_q.bias", qDim);
                bias(w, b + "attn_k.bias", kvDim);
                bias(w, b + "attn_v.bias", kvDim);
            }
            if (f.qkNorm) {
                w.addTensor(b + "attn_q_norm.weight", GgmlType.F32, new long[] {f.headDim}, norm(b + "attn_q_norm.weight", f.headDim));
                w.addTensor(b + "attn_k_norm.weight", GgmlType.F32, new long[] {f.headDim}, norm(b + "attn_k_norm.weight", f.headDim));
            }
            matrix(w, b + "attn_output.weight", qDim, f.embedding);
            if (f.postNorms)
                w.addTensor(b + "post_attention_norm.weight", GgmlType.F32, new long[] {f.embedding}, norm(b + "post_attention_norm.weight", f.embedding));
            w.addTensor(b + "ffn_norm.weight", GgmlType.F32, new long[] {f.embedding}, norm(b + "ffn_norm.weight", f.embedding));
            matrix(w, b + "ffn_gate.weight", f.embedding, f.feedForward);
            matrix(w, b + "ffn_up.weight", f.embedding, f.feedForward);
            matrix(w, b + "ffn_down.weight", f.feedForward, f.embedding);
            if (f.postNorms)
                w.addTensor(b + "post_ffw_norm.weight", GgmlType.F32, new long[] {f.embedding}, norm(b + "post_ffw_norm.weight", f.embedding));
        }
        w.addTensor("output_norm.weight", GgmlType.F32, new long[] {f.embedding}, norm("output_norm.weight", f.embedding));
        if (!f.tied) matrix(w, "output.weight", f.embedding, vocab);
        w.write(file);
        return file;
    }

    private Metadata metadata(int vocab) {
        TinyFamily f = family;
        String a = f.architecture;
        Metadata m = new Metadata();
        m.putString("general.architecture", a);
        m.putString("general.name", "muse-tiny-" + name());
        m.putUInt32("general.file_type", fileType());
        m.putUInt32(a + ".vocab_size", vocab);
        m.putUInt32(a + ".context_length", f.context);
        m.putUInt32(a + ".embedding_length", f.embedding);
        m.putUInt32(a + ".block_count", layers);
        m.putUInt32(a + ".feed_forward_length", f.feedForward);
        m.putUInt32(a + ".attention.head_count", f.heads);
        m.putUInt32(a + ".attention.head_count_kv", f.kvHeads);
        if (f.explicitHeadDim) {
            m.putUInt32(a + ".attention.key_length", f.headDim);
            m.putUInt32(a + ".attention.value_length", f.headDim);
        }
        m.putFloat32(a + ".attention.layer_norm_rms_epsilon", f.rmsEps);
        m.putFloat32(a + ".rope.freq_base", f.ropeTheta);
        m.putUInt32(a + ".rope.dimension_count", f.headDim);
        if (f.slidingWindow > 0) m.putUInt32(a + ".attention.sliding_window", f.slidingWindow);
        if (f.linearRopeScaling > 0) {
            m.putString(a + ".rope.scaling.type", "linear");
            m.putFloat32(a + ".rope.scaling.factor", f.linearRopeScaling);
        }
        Metadata v = f.vocab.metadata();
        for (String key : v.keys()) m.put(key, v.type(key), v.elementType(key), v.get(key));
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
        float[] s = family.llama3RopeScaling;
        float factor = s[0], lowFreqFactor = s[1], highFreqFactor = s[2], oldContext = s[3];
        int dim = family.headDim;
        float lowFreqWavelen = oldContext / lowFreqFactor, highFreqWavelen = oldContext / highFreqFactor;
        float[] factors = new float[dim / 2];
        for (int i = 0; i < factors.length; i++) {
            float freq = 1f / (float) Math.pow(family.ropeTheta, (float) (2 * i) / dim);
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

    /** A rows x cols weight (ggml shape {cols, rows}) in {@link #type}, std 1/sqrt(cols). */
    private void matrix(GgufWriter w, String name, int cols, int rows) {
        w.addTensor(name, type, new long[] {cols, rows}, weights(name, type, (long) cols * rows, (float) (1 / Math.sqrt(cols))));
    }

    private void bias(GgufWriter w, String name, int n) {
        w.addTensor(name, GgmlType.F32, new long[] {n}, () -> Tensor.quantize(GgmlType.F32, gaussian(name, n, 0f, BIAS_STD)));
    }

    /**
     * Gaussian values encoded as {@code as}. Quantizing large tensors (a 150k-token embedding) dominates the
     * time to write a model, so chunks of whole blocks are encoded in parallel; the bytes are the same as
     * one Tensor.quantize call because every type encodes each block on its own.
     */
    private GgufWriter.TensorData weights(String name, GgmlType as, long n, float std) {
        return out -> {
            float[] values = gaussian(name, Math.toIntExact(n), 0f, std);
            int chunk = 256 * 1024, chunks = (values.length + chunk - 1) / chunk;
            List<byte[]> encoded = IntStream.range(0, chunks).parallel()
                    .mapToObj(c -> Tensor.quantize(as, Arrays.copyOfRange(values, c * chunk, Math.min(values.length, (c + 1) * chunk))))
                    .toList();
            for (byte[] bytes : encoded) out.write(bytes);
        };
    }

    private java.util.function.Supplier<byte[]> norm(String name, int n) {
        return () -> Tensor.quantize(GgmlType.F32, gaussian(name, n, 1f, NORM_STD));
    }

    /** n values mean + std * N(0, 1) from the stream for (seed, name). */
    private float[] gaussian(String name, int n, float mean, float std) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
        float[] values = new float[n];
        for (int i = 0; i < n; i++) values[i] = mean + std * (float) random.nextGaussian();
        return values;
    }
}
