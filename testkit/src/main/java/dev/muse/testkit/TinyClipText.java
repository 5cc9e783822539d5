package dev.muse.testkit;

import dev.muse.engine.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A random-weight CLIP text encoder in a diffusers {@code text_encoder/} folder (config.json + model.safetensors with
 * transformers' names), in CLIP's real vocabulary and context (49408 ids, 77 positions) but small widths: the shape
 * rules of SD 1.x's encoder (CLIP ViT-L: quick GELU, no projection) and of SDXL's second (OpenCLIP bigG: GELU, a
 * projection for the pooled embedding). The same seed always gives the same bytes.
 */
public record TinyClipText(Shape shape, GgmlType type, long seed) {
    public record Shape(String name, int hidden, int heads, int intermediate, int layers, String activation, int projection) {
        /** SD 1.x (and SDXL's first encoder): CLIP ViT-L/14's rules. */
        public static final Shape SD1 = new Shape("sd1", 64, 4, 256, 3, "quick_gelu", 0);
        /** SD 2.x's (and SD-Turbo's) OpenCLIP ViT-H text encoder as diffusers keeps it: its real size, 23 of its 24 layers. */
        public static final Shape SD_TURBO = new Shape("sd-turbo", 1024, 16, 4096, 23, "gelu", 0);
        /** SDXL's second encoder (OpenCLIP bigG; SD 2.x's ViT-H the same without the projection). */
        public static final Shape SDXL2 = new Shape("sdxl2", 64, 2, 256, 3, "gelu", 48);
    }

    public static final int VOCAB = 49408, POSITIONS = 77;

    public String name() { return "clip-" + shape.name + "-" + type.name().toLowerCase(); }

    /** Writes {@code folder}/config.json and model.safetensors; returns the folder. */
    public Path write(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("config.json"), config());
        RandomSafetensors file = new RandomSafetensors(seed, type);
        int d = shape.hidden, f = shape.intermediate;
        String p = "text_model.";
        file.tensor(p + "embeddings.token_embedding.weight", 0f, 0.1f, VOCAB, d);
        file.tensor(p + "embeddings.position_embedding.weight", 0f, 0.1f, POSITIONS, d);
        for (int l = 0; l < shape.layers; l++) {
            String b = p + "encoder.layers." + l + ".";
            file.norm(b + "layer_norm1", d);
            for (String proj : List.of("q_proj", "k_proj", "v_proj", "out_proj")) file.linear(b + "self_attn." + proj, d, d);
            file.norm(b + "layer_norm2", d);
            file.linear(b + "mlp.fc1", f, d);
            file.linear(b + "mlp.fc2", d, f);
        }
        file.norm(p + "final_layer_norm", d);
        if (shape.projection > 0) file.tensor("text_projection.weight", 0f, (float) (1 / Math.sqrt(d)), shape.projection, d);
        file.write(folder.resolve("model.safetensors"));
        return folder;
    }

    private String config() {
        return """
                {
                  "architectures": ["%s"],
                  "hidden_act": "%s",
                  "hidden_size": %d,
                  "intermediate_size": %d,
                  "layer_norm_eps": 1e-05,
                  "max_position_embeddings": %d,
                  "model_type": "clip_text_model",
                  "num_attention_heads": %d,
                  "num_hidden_layers": %d,
                  %s"torch_dtype": "%s",
                  "vocab_size": %d
                }
                """.formatted(shape.projection > 0 ? "CLIPTextModelWithProjection" : "CLIPTextModel", shape.activation, shape.hidden,
                shape.intermediate, POSITIONS, shape.heads, shape.layers,
                shape.projection > 0 ? "\"projection_dim\": " + shape.projection + ",\n  " : "",
                type == GgmlType.F16 ? "float16" : "float32", VOCAB);
    }

    /** Writes every golden encoder into DIR/NAME/ (the golden README says how the references were made). */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) throw new IllegalArgumentException("usage: TinyClipText DIR");
        for (Shape s : List.of(Shape.SD1, Shape.SDXL2)) {
            for (GgmlType t : List.of(GgmlType.F32, GgmlType.F16)) {
                TinyClipText clip = new TinyClipText(s, t, 1);
                System.out.println(clip.write(Path.of(args[0]).resolve(clip.name())));
            }
        }
    }
}
