package dev.muse.models.siglip;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a SigLIP tower's patch features become text-model embeddings; the names are llama.cpp's
 * {@code clip.projector_type} values.
 */
public enum ProjectorType {
    /** SmolVLM / Idefics3: pixel shuffle (scale factor per side) then one linear layer, mm.model.fc. */
    IDEFICS3,
    /** Gemma 3: average pool (n_merge per side), RMS norm times mm.soft_emb_norm, then mm.input_projection. */
    GEMMA3;

    /** The name llama.cpp writes in the file. */
    public String ggufName() { return name().toLowerCase(Locale.ROOT); }

    /** The type named in the file, or null when Muse does not support it. */
    static ProjectorType ofGguf(String name) {
        for (ProjectorType t : values()) if (t.ggufName().equals(name)) return t;
        return null;
    }

    static String supported() {
        return Arrays.stream(values()).map(ProjectorType::ggufName).collect(Collectors.joining(", "));
    }
}
