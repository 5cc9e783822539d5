package dev.muse.hub;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The files one model loads from: its weights and, for a model that sees images, its vision projector
 * (llama.cpp's mmproj GGUF), or null. Models of more files (a pipeline, a folder) add their parts here.
 */
public record ModelPaths(String id, Path model, Path projector) {
    public ModelPaths {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
    }

    /** A model file with the projector llama.cpp's repositories put beside it, if there is one. */
    public static ModelPaths of(Path model) {
        return new ModelPaths(ModelFiles.idOf(model), model, ModelFiles.projectorBeside(model));
    }

    public ModelPaths withProjector(Path file) {
        return new ModelPaths(id, model, file);
    }
}
