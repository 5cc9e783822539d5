package dev.muse.cli;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Tensor;
import dev.muse.formats.Metadata;
import dev.muse.formats.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Random-weight GGUF files with a real model's exact shapes, so anyone can reproduce the benchmark figures
 * without downloading weights. The vocabulary is a synthetic SentencePiece one of the real size (byte
 * pieces plus filler), which llama.cpp loads as well.
 */
record SyntheticModel(String name, int dim, int layers, int heads, int kvHeads, int ffn, int vocab, int context,
                      float ropeBase, boolean llama3Rope) {
    static final Map<String, SyntheticModel> KNOWN = new TreeMap<>(Map.of(
            "llama-3.2-1b", new SyntheticModel("llama-3.2-1b", 2048, 16, 32, 8, 8192, 128256, 131072, 500000f, true),
            "smollm2-135m", new SyntheticModel("smollm2-135m", 576, 30, 9, 3, 1536, 49152, 8192, 100000f, false),
            "stories15m", new SyntheticModel("stories15m", 288, 6, 6, 6, 768, 32000, 256, 10000f, false)));

    static SyntheticModel named(String name) {
        SyntheticModel m = KNOWN.get(name);
        if (m == null) throw new IllegalArgumentException("unknown synthetic model " + name + " (known: " + String.join(", ", KNOWN.keySet()) + ")");
        return m;
    }

    int headSize() { return dim / heads; }

    void write(Path out, GgmlType type) throws IOException {
        Metadata m = new Metadata()
                .putString("general.architecture", "llama")
                .putString("general.name", "synthetic " + name)
                .putUInt32("llama.context_length", context)
                .putUInt32("llama.embedding_length", dim)
                .putUInt32("llama.block_count", layers)
                .putUInt32("llama.feed_forward_length", ffn)
                .putUInt32("llama.attention.head_count", heads)
                .putUInt32("llama.attention.head_count_kv", kvHeads)
                .putUInt32("llama.rope.dimension_count", headSize())
                .putFloat32("llama.rope.freq_base", ropeBase)
                .putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putUInt32("llama.vocab_size", vocab);
        addVocabulary(m);
        GgufWriter w = new GgufWriter(m);
        SplittableRandom seeds = new SplittableRandom(20261124);
        w.addTensor("token_embd.weight", type, new long[] {dim, vocab}, random(type, (long) dim * vocab, 0.02f, seeds.nextLong()));
        if (llama3Rope) w.addTensor("rope_freqs.weight", GgmlType.F32, new long[] {headSize() / 2}, () -> Tensor.quantize(GgmlType.F32, llama3RopeFactors()));
        for (int l = 0; l < layers; l++) {
            String p = "blk." + l + ".";
            int kvDim = kvHeads * headSize();
            w.addTensor(p + "attn_norm.weight", GgmlType.F32, new long[] {dim}, ones(dim));
            w.addTensor(p + "attn_q.weight", type, new long[] {dim, dim}, random(type, (long) dim * dim, 0.02f, seeds.nextLong()));
            w.addTensor(p + "attn_k.weight", type, new long[] {dim, kvDim}, random(type, (long) dim * kvDim, 0.02f, seeds.nextLong()));
            w.addTensor(p + "attn_v.weight", type, new long[] {dim, kvDim}, random(type, (long) dim * kvDim, 0.02f, seeds.nextLong()));
            w.addTensor(p + "attn_output.weight", type, new long[] {dim, dim}, random(type, (long) dim * dim, 0.02f, seeds.nextLong()));
            w.addTensor(p + "ffn_norm.weight", GgmlType.F32, new long[] {dim}, ones(dim));
            w.addTensor(p + "ffn_gate.weight", type, new long[] {dim, ffn}, random(type, (long) dim * ffn, 0.02f, seeds.nextLong()));
            w.addTensor(p + "ffn_up.weight", type, new long[] {dim, ffn}, random(type, (long) dim * ffn, 0.02f, seeds.nextLong()));
            w.addTensor(p + "ffn_down.weight", type, new long[] {ffn, dim}, random(type, (long) ffn * dim, 0.02f, seeds.nextLong()));
        }
        w.addTensor("output_norm.weight", GgmlType.F32, new long[] {dim}, ones(dim));
        w.write(out);
    }

    /** Llama 3.1 RoPE scaling (factor 32, low/high frequency factors 1/4, original context 8192), as convert_hf_to_gguf computes it. */
    private float[] llama3RopeFactors() {
        double factor = 32, low = 1, high = 4, original = 8192;
        double lowWavelength = original / low, highWavelength = original / high;
        float[] factors = new float[headSize() / 2];
        for (int i = 0; i < factors.length; i++) {
            double wavelength = 2 * Math.PI / Math.pow(ropeBase, 2.0 * i / headSize());
            if (wavelength < highWavelength) factors[i] = 1;
            else if (wavelength > lowWavelength) factors[i] = (float) factor;
            else {
                double smooth = (original / wavelength - low) / (high - low);
                factors[i] = (float) (1 / ((1 - smooth) / factor + smooth));
            }
        }
        return factors;
    }

    private void addVocabulary(Metadata m) {
        String[] tokens = new String[vocab];
        float[] scores = new float[vocab];
        int[] types = new int[vocab];
        tokens[0] = "<unk>"; types[0] = 2;
        tokens[1] = "<s>"; types[1] = 3;
        tokens[2] = "</s>"; types[2] = 3;
        for (int b = 0; b < 256; b++) {
            tokens[3 + b] = String.format("<0x%02X>", b);
            types[3 + b] = 6;
        }
        for (int i = 259; i < vocab; i++) {
            tokens[i] = "\u2581t" + i;
            scores[i] = -i;
            types[i] = 1;
        }
        m.putString("tokenizer.ggml.model", "llama")
                .putStrings("tokenizer.ggml.tokens", tokens)
                .putFloats("tokenizer.ggml.scores", scores)
                .putInts("tokenizer.ggml.token_type", types)
                .putUInt32("tokenizer.ggml.bos_token_id", 1)
                .putUInt32("tokenizer.ggml.eos_token_id", 2)
                .putUInt32("tokenizer.ggml.unknown_token_id", 0);
    }

    private static java.util.function.Supplier<byte[]> ones(int n) {
        return () -> {
            float[] v = new float[n];
            java.util.Arrays.fill(v, 1f);
            return Tensor.quantize(GgmlType.F32, v);
        };
    }

    /**
     * Uniform noise with the given standard deviation, quantised and streamed a chunk at a time, so writing
     * a multi-gigabyte model needs only a few megabytes of heap.
     */
    static GgufWriter.TensorData random(GgmlType type, long n, float std, long seed) {
        return out -> {
            SplittableRandom r = new SplittableRandom(seed);
            float range = std * (float) Math.sqrt(3);
            float[] chunk = new float[1 << 20]; // a multiple of every block size
            for (long done = 0; done < n; done += chunk.length) {
                int size = (int) Math.min(chunk.length, n - done);
                float[] values = size == chunk.length ? chunk : new float[size];
                for (int i = 0; i < size; i++) values[i] = (float) ((r.nextDouble() * 2 - 1) * range);
                out.write(Tensor.quantize(type, values));
            }
        };
    }
}
