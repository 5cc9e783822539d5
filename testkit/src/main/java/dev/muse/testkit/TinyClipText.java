package dev.muse.testkit;

import dev.muse.engine.GgmlType;
import dev.muse.formats.safetensors.SafetensorsWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
        /** SDXL's second encoder (OpenCLIP bigG; SD 2.x's ViT-H the same without the projection). */
        public static final Shape SDXL2 = new Shape("sdxl2", 64, 2, 256, 3, "gelu", 48);
    }

    public static final int VOCAB = 49408, POSITIONS = 77;

    public TinyClipText {
        if (type != GgmlType.F32 && type != GgmlType.F16) throw new IllegalArgumentException("safetensors text encoders are F32 or F16 here, not " + type);
    }

    public String name() { return "clip-" + shape.name + "-" + type.name().toLowerCase(); }

    /** Writes {@code folder}/config.json and model.safetensors; returns the folder. */
    public Path write(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("config.json"), config());
        RandomTensors random = new RandomTensors(seed);
        List<SafetensorsWriter.Entry> tensors = new ArrayList<>();
        int d = shape.hidden, f = shape.intermediate;
        String p = "text_model.";
        tensors.add(values(random, p + "embeddings.token_embedding.weight", 0f, 0.1f, VOCAB, d));
        tensors.add(values(random, p + "embeddings.position_embedding.weight", 0f, 0.1f, POSITIONS, d));
        for (int l = 0; l < shape.layers; l++) {
            String b = p + "encoder.layers." + l + ".";
            norm(random, tensors, b + "layer_norm1", d);
            for (String proj : List.of("q_proj", "k_proj", "v_proj", "out_proj")) linear(random, tensors, b + "self_attn." + proj, d, d);
            norm(random, tensors, b + "layer_norm2", d);
            linear(random, tensors, b + "mlp.fc1", f, d);
            linear(random, tensors, b + "mlp.fc2", d, f);
        }
        norm(random, tensors, p + "final_layer_norm", d);
        if (shape.projection > 0) tensors.add(values(random, "text_projection.weight", 0f, (float) (1 / Math.sqrt(d)), shape.projection, d));
        SafetensorsWriter.write(folder.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
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

    private void linear(RandomTensors random, List<SafetensorsWriter.Entry> tensors, String name, int out, int in) {
        tensors.add(values(random, name + ".weight", 0f, (float) (1 / Math.sqrt(in)), out, in));
        tensors.add(values(random, name + ".bias", 0f, 0.05f, out));
    }

    private void norm(RandomTensors random, List<SafetensorsWriter.Entry> tensors, String name, int n) {
        tensors.add(values(random, name + ".weight", 1f, 0.1f, n));
        tensors.add(values(random, name + ".bias", 0f, 0.05f, n));
    }

    /** A tensor of the given PyTorch shape, in the file's dtype. */
    private SafetensorsWriter.Entry values(RandomTensors random, String name, float mean, float std, int... shape) {
        long n = 1;
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) n *= dims[i] = shape[i];
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            random.values(name, type, n, mean, std).writeTo(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SafetensorsWriter.Entry(name, type == GgmlType.F16 ? "F16" : "F32", dims, bytes.toByteArray());
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
