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

/**
 * Writes a random-weight llama.cpp "mmproj" GGUF: a SigLIP vision tower with an IDEFICS3 (SmolVLM) or GEMMA3
 * projector, with the metadata keys, value types and tensor names that llama.cpp's clip loader reads. The one writer
 * of projector files: the tests' tiny towers ({@link Tower#IDEFICS3}, {@link Tower#GEMMA3}, the real architectures'
 * shape rules scaled down, output width 256 as the tiny decoders') and the benchmarks' full-size ones. Like
 * llama.cpp's converters, the patch and position embeddings, norms and biases stay F32 and Gemma 3's input projection
 * is F16 whatever the weight type; the other matrices are in {@link #type}. The same arguments always give the same
 * bytes ({@link RandomTensors}).
 *
 * <p>Scales keep activations well conditioned: linear weights have std 1/sqrt(fan-in), norm weights are
 * 1 + N(0, 0.1^2), biases N(0, 0.1^2), position embeddings N(0, 0.3^2).
 *
 * <pre>
 * Path mmproj = new TinyVision(TinyVision.Tower.GEMMA3, GgmlType.F16, 1).write(dir.resolve("gemma3-f16.gguf"));
 * float[] pixels = TinyVision.syntheticImage(56, 56);
 * </pre>
 * {@code main(DIR)} writes every tiny tower in every type into DIR (for the llama.cpp golden probe and for others).
 */
public record TinyVision(Tower tower, GgmlType type, long seed) {
    /** Output width: the embedding length of the tiny text models. */
    public static final int PROJECTION_DIM = 256;
    /** The weight types the golden tests cover. */
    public static final List<GgmlType> TYPES = List.of(GgmlType.F32, GgmlType.F16, GgmlType.Q8_0);

    /**
     * A SigLIP tower and its projector: the shape an mmproj file spells. {@link #IDEFICS3} and {@link #GEMMA3} are the
     * tiny ones of the tests; benchmarks describe real towers with the same record.
     *
     * @param projector        clip.projector_type
     * @param scaleFactor      patches merged per side (pixel shuffle or average pool)
     * @param preprocImageSize IDEFICS3's longest edge before slicing into tiles (clip.vision.preproc_image_size); 0: none
     * @param projectionDim    the width of each output embedding: the decoder's embedding length
     */
    public record Tower(String name, String projector, int imageSize, int patchSize, int embedding, int feedForward, int layers, int heads,
                       float eps, int scaleFactor, int preprocImageSize, int projectionDim, float[] mean, float[] std) {
        /** SmolVLM's rules: patch 16 -> 8, image 512 -> 64 (8 x 8 patches), pixel shuffle by 2: 16 tokens. Head size 32. */
        public static final Tower IDEFICS3 = new Tower("IDEFICS3", "idefics3", 64, 8, 128, 320, 3, 4, 1e-5f, 2, 128, PROJECTION_DIM,
                new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});
        /**
         * Gemma 3's rules: patch 14 -> 7, image 896 -> 56 (8 x 8 patches), average pool by 2 (written explicitly,
         * as llama.cpp's tinygemma3 does): 16 tokens. Head size 72, as the real tower's (not a multiple of a vector).
         */
        public static final Tower GEMMA3 = new Tower("GEMMA3", "gemma3", 56, 7, 288, 480, 2, 4, 1e-6f, 2, 0, PROJECTION_DIM,
                new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});

        /** The tiny towers. */
        public static List<Tower> values() { return List.of(IDEFICS3, GEMMA3); }

        /** A tiny tower by name: how parameterised tests name one. */
        public static Tower valueOf(String name) {
            return values().stream().filter(t -> t.name.equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no tiny tower " + name));
        }

        public int patchesPerSide() { return imageSize / patchSize; }

        /** Tokens one image yields: the patch grid merged by the scale factor per side. */
        public int tokens() {
            int side = patchesPerSide() / scaleFactor;
            return side * side;
        }

        @Override public String toString() { return name; }
    }

    public TinyVision {
        if (!TYPES.contains(type) && type != GgmlType.BF16) throw new IllegalArgumentException("tiny vision towers are not written in " + type);
    }

    /** A short name for files and reports, such as "gemma3-q8_0". */
    public String name() {
        return tower.projector() + "-" + type.name().toLowerCase(Locale.ROOT);
    }

    /** Writes the mmproj file (atomically) and returns its path. */
    public Path write(Path file) throws IOException {
        Tower t = tower;
        int dim = t.embedding(), p = t.patchSize(), patches = t.patchesPerSide() * t.patchesPerSide();
        GgufWriter w = new GgufWriter(metadata());
        RandomTensors random = new RandomTensors(seed);
        // ggml's conv kernel layout [p, p, 3, dim]: one row of 3*p*p per output channel
        w.addTensor("v.patch_embd.weight", GgmlType.F32, new long[] {p, p, 3, dim},
                random.values("v.patch_embd.weight", GgmlType.F32, 3L * p * p * dim, 0f, inverseSqrt(3 * p * p)));
        random.vector(w, "v.patch_embd.bias", dim, 0f, 0.1f);
        w.addTensor("v.position_embd.weight", GgmlType.F32, new long[] {dim, patches},
                random.values("v.position_embd.weight", GgmlType.F32, (long) dim * patches, 0f, 0.3f));
        for (int l = 0; l < t.layers(); l++) {
            String b = "v.blk." + l + ".";
            random.vector(w, b + "ln1.weight", dim, 1f, 0.1f);
            random.vector(w, b + "ln1.bias", dim, 0f, 0.1f);
            for (String m : new String[] {"attn_q", "attn_k", "attn_v", "attn_out"}) {
                random.matrix(w, b + m + ".weight", type, dim, dim);
                random.vector(w, b + m + ".bias", dim, 0f, 0.1f);
            }
            random.vector(w, b + "ln2.weight", dim, 1f, 0.1f);
            random.vector(w, b + "ln2.bias", dim, 0f, 0.1f);
            random.matrix(w, b + "ffn_up.weight", type, t.feedForward(), dim);
            random.vector(w, b + "ffn_up.bias", t.feedForward(), 0f, 0.1f);
            random.matrix(w, b + "ffn_down.weight", type, dim, t.feedForward());
            random.vector(w, b + "ffn_down.bias", dim, 0f, 0.1f);
        }
        random.vector(w, "v.post_ln.weight", dim, 1f, 0.1f);
        random.vector(w, "v.post_ln.bias", dim, 0f, 0.1f);
        switch (t.projector()) {
            case "idefics3" -> random.matrix(w, "mm.model.fc.weight", type, t.projectionDim(), dim * t.scaleFactor() * t.scaleFactor());
            case "gemma3" -> {
                // stored [dim rows of projectionDim]: llama.cpp multiplies by its transpose
                w.addTensor("mm.input_projection.weight", GgmlType.F16, new long[] {t.projectionDim(), dim},
                        random.values("mm.input_projection.weight", GgmlType.F16, (long) t.projectionDim() * dim, 0f, inverseSqrt(dim)));
                random.vector(w, "mm.soft_emb_norm.weight", dim, 1f, 0.1f);
            }
            default -> throw new IllegalStateException("no layout for projector " + t.projector());
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
        m.putString("clip.projector_type", t.projector());
        m.putBool("clip.use_gelu", true);
        String v = "clip.vision.";
        m.putUInt32(v + "projection_dim", t.projectionDim());
        m.putUInt32(v + "image_size", t.imageSize());
        m.putUInt32(v + "patch_size", t.patchSize());
        m.putUInt32(v + "embedding_length", t.embedding());
        m.putUInt32(v + "feed_forward_length", t.feedForward());
        m.putUInt32(v + "block_count", t.layers());
        m.putUInt32(v + "attention.head_count", t.heads());
        m.putFloats(v + "image_mean", t.mean().clone());
        m.putFloats(v + "image_std", t.std().clone());
        m.putFloat32(v + "attention.layer_norm_epsilon", t.eps());
        m.putUInt32(v + "projector.scale_factor", t.scaleFactor());
        if (t.preprocImageSize() > 0) m.putUInt32(v + "preproc_image_size", t.preprocImageSize());
        return m;
    }

    private static float inverseSqrt(int n) { return (float) (1 / Math.sqrt(n)); }

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
