package dev.muse.models.clip;

import dev.muse.formats.FormatException;
import dev.muse.formats.JsonConfig;

/**
 * A CLIP text encoder's shape, from transformers' CLIPTextConfig ({@code text_encoder/config.json} in a diffusers
 * folder): CLIP ViT-L/14's for SD 1.x and SDXL's first encoder (quick GELU), OpenCLIP ViT-H's for SD 2.x and bigG's for
 * SDXL's second (GELU, and a projection for the pooled embedding).
 */
public record ClipTextConfig(int hiddenSize, int intermediateSize, int heads, int layers, int positions, int vocabSize,
                             Activation activation, float layerNormEps, int projectionDim) {
    public enum Activation { QUICK_GELU, GELU }

    public ClipTextConfig {
        if (hiddenSize % heads != 0) throw new FormatException("hidden_size " + hiddenSize + " is not a multiple of num_attention_heads " + heads);
    }

    public int headDim() { return hiddenSize / heads; }

    public static ClipTextConfig from(JsonConfig config) {
        String act = config.string("hidden_act", "quick_gelu");
        Activation activation = switch (act) {
            case "quick_gelu" -> Activation.QUICK_GELU;
            case "gelu" -> Activation.GELU;
            default -> throw new FormatException(config.where() + ": hidden_act " + act + " is not one CLIP text encoders use (quick_gelu, gelu)");
        };
        double eps = config.number("layer_norm_eps", 1e-5);
        if (!(eps > 0 && eps < 1)) throw new FormatException(config.where() + ": layer_norm_eps " + eps + " is not a small positive number");
        return new ClipTextConfig(config.integer("hidden_size", 1, 1 << 14), config.integer("intermediate_size", 1, 1 << 16),
                config.integer("num_attention_heads", 1, 256), config.integer("num_hidden_layers", 1, 128),
                config.integer("max_position_embeddings", 1, 1 << 12), config.integer("vocab_size", 1, 1 << 20), activation, (float) eps,
                config.has("projection_dim") ? config.integer("projection_dim", 1, 1 << 14) : 0);
    }
}
