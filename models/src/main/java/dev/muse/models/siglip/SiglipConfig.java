package dev.muse.models.siglip;

import dev.muse.formats.FormatException;
import dev.muse.formats.Metadata;

/**
 * Hyper-parameters of a SigLIP vision tower from a llama.cpp "mmproj" file, named after their GGUF keys
 * (clip.vision.embedding_length -> embeddingLength), with llama.cpp's defaults where a key is optional.
 */
public record SiglipConfig(
        ProjectorType projectorType,
        int imageSize,
        int patchSize,
        int embeddingLength,
        int feedForwardLength,
        int blockCount,
        int headCount,
        /** clip.vision.attention.head_dim, or embeddingLength / headCount. */
        int headDim,
        float layerNormEpsilon,
        /** The text model's embedding length as the converter wrote it; the projector's tensor is what counts. */
        int projectionDim,
        float[] imageMean,
        float[] imageStd,
        /**
         * clip.vision.projector.scale_factor, llama.cpp's n_merge: patches merged per side (pixel shuffle for
         * IDEFICS3, average-pool kernel for GEMMA3). Absent, llama.cpp uses 4 for GEMMA3 and 1 for IDEFICS3.
         */
        int projectorScaleFactor,
        /** clip.vision.preproc_image_size: the longest edge IDEFICS3 resizes to before slicing; 0 when absent. */
        int preprocImageSize,
        /** clip.use_gelu: GELU (tanh approximation); otherwise clip.use_silu: SiLU; otherwise quick GELU. */
        boolean useGelu,
        boolean useSilu) {

    public SiglipConfig {
        imageMean = imageMean.clone();
        imageStd = imageStd.clone();
    }

    @Override public float[] imageMean() { return imageMean.clone(); }

    @Override public float[] imageStd() { return imageStd.clone(); }

    static SiglipConfig from(Metadata m) {
        String arch = m.getString("general.architecture", "");
        if (!arch.equals("clip")) throw new FormatException("not an mmproj file: general.architecture is '" + arch + "', expected 'clip'");
        if (!m.getBool("clip.has_vision_encoder", false)) throw new FormatException("the mmproj file has no vision encoder (clip.has_vision_encoder)");
        // as llama.cpp: the shared key first, the per-modality key for files holding several encoders
        String name = m.getString("clip.projector_type", "");
        if (name.isEmpty()) name = m.getString("clip.vision.projector_type", "");
        ProjectorType type = ProjectorType.ofGguf(name);
        if (type == null)
            throw new FormatException("vision projector type '" + name + "' is not supported (supported: " + ProjectorType.supported() + ")");

        String v = "clip.vision.";
        int embd = positive(m, v + "embedding_length");
        int heads = positive(m, v + "attention.head_count");
        int headDim = m.getInt(v + "attention.head_dim", embd / heads);
        if (headDim <= 0 || heads * headDim != embd)
            throw new FormatException(heads + " heads of " + headDim + " do not make embedding_length " + embd);
        if (m.getInt(v + "attention.head_count_kv", heads) != heads)
            throw new FormatException("grouped-query attention in a vision tower is not supported");
        int imageSize = positive(m, v + "image_size"), patchSize = positive(m, v + "patch_size");
        if (imageSize % patchSize != 0) throw new FormatException("image_size " + imageSize + " is not a multiple of patch_size " + patchSize);
        float[] mean = m.getFloats(v + "image_mean"), std = m.getFloats(v + "image_std");
        if (mean == null || std == null || mean.length < 3 || std.length < 3)
            throw new FormatException("image_mean/image_std must be float arrays of at least 3 elements");
        boolean gelu = m.getBool("clip.use_gelu", false), silu = m.getBool("clip.use_silu", false);
        if (gelu && silu) throw new FormatException("both clip.use_gelu and clip.use_silu are set");

        int merge = m.getInt(v + "projector.scale_factor", type == ProjectorType.GEMMA3 ? 4 : 1);
        int perSide = imageSize / patchSize;
        switch (type) {
            // llama.cpp asserts these when it builds the graph; here they are format errors at load time
            case IDEFICS3 -> { if (merge < 2) throw new FormatException("idefics3 needs projector.scale_factor > 1, got " + merge); }
            case GEMMA3 -> {
                if (merge < 1 || perSide % merge != 0)
                    throw new FormatException("gemma3 pools " + perSide + " patches per side by " + merge + ": not a divisor");
            }
        }
        return new SiglipConfig(type, imageSize, patchSize, embd,
                positive(m, v + "feed_forward_length"),
                positive(m, v + "block_count"),
                heads, headDim,
                m.getFloat(v + "attention.layer_norm_epsilon", 1e-6f),
                m.getInt(v + "projection_dim", 0),
                new float[] {mean[0], mean[1], mean[2]},
                new float[] {std[0], std[1], std[2]},
                merge,
                type == ProjectorType.IDEFICS3 ? m.getInt(v + "preproc_image_size", 0) : 0,
                gelu, silu);
    }

    private static int positive(Metadata m, String key) {
        int value = m.requireInt(key);
        if (value <= 0 || value > 1 << 20) throw new FormatException(key + " = " + value + " is out of range");
        return value;
    }

    /** Patches per side of an imageSize x imageSize input. */
    int patchesPerSide() { return imageSize / patchSize; }

    /** Tokens one imageSize x imageSize image becomes: the patch grid merged by the scale factor per side. */
    int tokensPerImage() {
        int perSide = patchesPerSide();
        int merged = projectorType == ProjectorType.IDEFICS3
                ? (perSide + projectorScaleFactor - 1) / projectorScaleFactor // llama.cpp pads the grid to the factor
                : perSide / projectorScaleFactor;
        return merged * merged;
    }
}
