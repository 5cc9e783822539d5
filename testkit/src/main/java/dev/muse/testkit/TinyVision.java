package dev.muse.testkit;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Tensor;
import dev.muse.formats.Metadata;
import dev.muse.formats.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes a tiny random-weight llama.cpp "mmproj" GGUF: a SigLIP vision tower with an IDEFICS3 (SmolVLM) or
 * GEMMA3 projector, with the metadata keys, value types and tensor names that llama.cpp's clip loader reads
 * and the real architectures' shape rules scaled down. Like llama.cpp's converters, the patch and position
 * embeddings, norms and biases stay F32 and Gemma 3's input projection is F16 whatever the weight type; the
 * other matrices are in {@link #type}. The output width is 256, the tiny decoders' embedding length
 * ({@link TinyFamily}). The same arguments always give the same bytes.
 *
 * <p>Scales keep activations well conditioned: linear weights have std 1/sqrt(fan-in), norm weights are
 * 1 + N(0, 0.1^2), biases N(0, 0.1^2), position embeddings N(0, 0.3^2).
 *
 * <pre>
 * Path mmproj = new TinyVision(TinyVision.Tower.GEMMA3, GgmlType.F16, 1).write(dir.resolve("gemma3-f16.gguf"));
 * float[] pixels = TinyVision.syntheticImage(56, 56);
 * </pre>
 * {@code main(DIR)} writes every tower in every type into DIR (for the llama.cpp golden probe and for others).
 */
public record TinyVision(Tower tower, GgmlType type, long seed) {
    /** Output width: the embedding length of the tiny text models. */
    public static final int PROJECTION_DIM = 256;
    /** The weight types the golden tests cover. */
    public static final List<GgmlType> TYPES = List.of(GgmlType.F32, GgmlType.F16, GgmlType.Q8_0);

    /** The scaled-down shapes of the two supported towers. */
    public enum Tower {
        /** SmolVLM's rules: patch 16 -> 8, image 512 -> 64 (8 x 8 patches), pixel shuffle by 2: 16 tokens. Head size 32. */
        IDEFICS3("idefics3", 64, 8, 128, 320, 3, 4, 1e-5f, 2, 128, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f}),
        /**
         * Gemma 3's rules: patch 14 -> 7, image 896 -> 56 (8 x 8 patches), average pool by 2 (written explicitly,
         * as llama.cpp's tinygemma3 does): 16 tokens. Head size 72, as the real tower's (not a multiple of a vector).
         */
        GEMMA3("gemma3", 56, 7, 288, 480, 2, 4, 1e-6f, 2, 0, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});

        public final String projector;
        public final int imageSize, patchSize, embedding, feedForward, layers, heads, scaleFactor, preprocImageSize;
        public final float eps;
        final float[] mean, std;

        Tower(String projector, int imageSize, int patchSize, int embedding, int feedForward, int layers, int heads, float eps,
              int scaleFactor, int preprocImageSize, float[] mean, float[] std) {
            this.projector = projector;
            this.imageSize = imageSize;
            this.patchSize = patchSize;
            this.embedding = embedding;
            this.feedForward = feedForward;
            this.layers = layers;
            this.heads = heads;
            this.eps = eps;
            this.scaleFactor = scaleFactor;
            this.preprocImageSize = preprocImageSize;
            this.mean = mean;
            this.std = std;
        }

        public int patchesPerSide() { return imageSize / patchSize; }

        /** Tokens one image yields: the patch grid merged by the scale factor per side. */
        public int tokens() {
            int side = patchesPerSide() / scaleFactor;
            return side * side;
        }
    }

    public TinyVision {
        if (!TYPES.contains(type) && type != GgmlType.BF16) throw new IllegalArgumentException("tiny vision towers are not written in " + type);
    }

    /** A short name for files and reports, such as "gemma3-q8_0". */
    public String name() {
        return tower.projector + "-" + type.name().toLowerCase(Locale.ROOT);
    }

    /** Writes the mmproj file (atomically) and returns its path. */
    public Path write(Path file) throws IOException {
        Tower t = tower;
        int dim = t.embedding, p = t.patchSize, patches = t.patchesPerSide() * t.patchesPerSide();
        GgufWriter w = new GgufWriter(metadata());
        // ggml's conv kernel layout [p, p, 3, dim]: one row of 3*p*p per output channel
        w.addTensor("v.patch_embd.weight", GgmlType.F32, new long[] {p, p, 3, dim}, values("v.patch_embd.weight", GgmlType.F32, 3 * p * p * dim, 0f, inverseSqrt(3 * p * p)));
        vector(w, "v.patch_embd.bias", dim, 0f, 0.1f);
        w.addTensor("v.position_embd.weight", GgmlType.F32, new long[] {dim, patches}, values("v.position_embd.weight", GgmlType.F32, dim * patches, 0f, 0.3f));
        for (int l = 0; l < t.layers; l++) {
            String b = "v.blk." + l + ".";
            vector(w, b + "ln1.weight", dim, 1f, 0.1f);
            vector(w, b + "ln1.bias", dim, 0f, 0.1f);
            for (String m : new String[] {"attn_q", "attn_k", "attn_v", "attn_out"}) {
                matrix(w, b + m + ".weight", type, dim, dim);
                vector(w, b + m + ".bias", dim, 0f, 0.1f);
            }
            vector(w, b + "ln2.weight", dim, 1f, 0.1f);
            vector(w, b + "ln2.bias", dim, 0f, 0.1f);
            matrix(w, b + "ffn_up.weight", type, t.feedForward, dim);
            vector(w, b + "ffn_up.bias", t.feedForward, 0f, 0.1f);
            matrix(w, b + "ffn_down.weight", type, dim, t.feedForward);
            vector(w, b + "ffn_down.bias", dim, 0f, 0.1f);
        }
        vector(w, "v.post_ln.weight", dim, 1f, 0.1f);
        vector(w, "v.post_ln.bias", dim, 0f, 0.1f);
        switch (t) {
            case IDEFICS3 -> matrix(w, "mm.model.fc.weight", type, PROJECTION_DIM, dim * t.scaleFactor * t.scaleFactor);
            case GEMMA3 -> {
                // stored [dim rows of PROJECTION_DIM]: llama.cpp multiplies by its transpose
                w.addTensor("mm.input_projection.weight", GgmlType.F16, new long[] {PROJECTION_DIM, dim},
                        values("mm.input_projection.weight", GgmlType.F16, PROJECTION_DIM * dim, 0f, inverseSqrt(dim)));
                vector(w, "mm.soft_emb_norm.weight", dim, 1f, 0.1f);
            }
        }
        w.write(file);
        return file;
    }

    private Metadata metadata() {
        Tower t = tower;
        Metadata m = new Metadata();
        m.putString("general.architecture", "clip");
        m.putString("general.type", "mmproj");
        m.putString("general.name", "muse-tiny-vision-" + name());
        m.putUInt32("general.file_type", switch (type) { case F32 -> 0; case F16 -> 1; case Q8_0 -> 7; case BF16 -> 32; default -> throw new IllegalStateException(); });
        m.putBool("clip.has_vision_encoder", true);
        m.putString("clip.projector_type", t.projector);
        m.putBool("clip.use_gelu", true);
        String v = "clip.vision.";
        m.putUInt32(v + "projection_dim", PROJECTION_DIM);
        m.putUInt32(v + "image_size", t.imageSize);
        m.putUInt32(v + "patch_size", t.patchSize);
        m.putUInt32(v + "embedding_length", t.embedding);
        m.putUInt32(v + "feed_forward_length", t.feedForward);
        m.putUInt32(v + "block_count", t.layers);
        m.putUInt32(v + "attention.head_count", t.heads);
        m.putFloats(v + "image_mean", t.mean.clone());
        m.putFloats(v + "image_std", t.std.clone());
        m.putFloat32(v + "attention.layer_norm_epsilon", t.eps);
        m.putUInt32(v + "projector.scale_factor", t.scaleFactor);
        if (t.preprocImageSize > 0) m.putUInt32(v + "preproc_image_size", t.preprocImageSize);
        return m;
    }

    /** A rows x cols weight (ggml shape {cols, rows}), std 1/sqrt(cols). */
    private void matrix(GgufWriter w, String name, GgmlType as, int rows, int cols) {
        w.addTensor(name, as, new long[] {cols, rows}, values(name, as, rows * cols, 0f, inverseSqrt(cols)));
    }

    private void vector(GgufWriter w, String name, int n, float mean, float std) {
        w.addTensor(name, GgmlType.F32, new long[] {n}, values(name, GgmlType.F32, n, mean, std));
    }

    private static float inverseSqrt(int n) { return (float) (1 / Math.sqrt(n)); }

    /** n values mean + std * N(0, 1) from the stream for (seed, name), encoded as {@code as}. */
    private java.util.function.Supplier<byte[]> values(String name, GgmlType as, int n, float mean, float std) {
        return () -> {
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
            float[] v = new float[n];
            for (int i = 0; i < n; i++) v[i] = mean + std * (float) random.nextGaussian();
            return Tensor.quantize(as, v);
        };
    }

    /**
     * The golden tests' input: planar (channel-major) pixels in [-1, 1], value(c, y, x) from a 32-bit integer
     * hash, so that Java and the C++ probe compute bit-identical floats:
     * <pre>
     * h = c*1000003 + y*7919 + x*104729 + 12345 (uint32); h ^= h >> 15; h *= 0x2c1b3c6d; h ^= h >> 12;
     * h *= 0x297a2d39; h ^= h >> 15; value = (float)(h % 2001) / 1000.0f - 1.0f
     * </pre>
     */
    public static float[] syntheticImage(int width, int height) {
        float[] chw = new float[3 * width * height];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++) chw[(c * height + y) * width + x] = syntheticPixel(c, y, x);
        return chw;
    }

    static float syntheticPixel(int c, int y, int x) {
        int h = c * 1000003 + y * 7919 + x * 104729 + 12345;
        h ^= h >>> 15;
        h *= 0x2c1b3c6d;
        h ^= h >>> 12;
        h *= 0x297a2d39;
        h ^= h >>> 15;
        return (float) Integer.remainderUnsigned(h, 2001) / 1000.0f - 1.0f;
    }

    /** Every tower in every golden type, as the golden tests name them: {tower}-{type}.gguf. */
    public static List<TinyVision> goldenSet() {
        List<TinyVision> all = new ArrayList<>();
        for (Tower t : Tower.values()) for (GgmlType type : TYPES) all.add(new TinyVision(t, type, 1));
        return all;
    }

    /** Writes {@link #goldenSet()} into the folder given as the only argument. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) throw new IllegalArgumentException("usage: TinyVision DIR");
        for (TinyVision v : goldenSet()) System.out.println(v.write(Path.of(args[0]).resolve(v.name() + ".gguf")));
    }
}
