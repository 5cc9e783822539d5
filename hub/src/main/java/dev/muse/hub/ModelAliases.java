package dev.muse.hub;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Short names for well-known models, in this one table. Only architectures Muse runs (llama, SmolVLM's vision
 * projector, Whisper) and weight types it reads are listed. A SHA-256 is pinned only where it could be confirmed from independent
 * sources; the others are checked against the hub's own X-Linked-Etag at download time.
 */
public final class ModelAliases {
    /**
     * @param projector the model's vision projector (mmproj), pulled with it; null for a text-only model
     * @param folder    for a model of several files (a diffusers pipeline), their paths in {@code source}'s repository,
     *                  pulled into a folder of the cache named after the alias; empty for a one-file model
     */
    public record Alias(String name, ModelSource source, ModelSource projector, List<String> folder, String description) {
        public Alias {
            ModelSource.requireSafeSegment(name, "alias " + name);
            if (name.contains("/") || name.contains(":")) throw new IllegalArgumentException("an alias is one plain word, not " + name);
            folder = List.copyOf(folder);
            for (String path : folder) new ModelSource(source.repo(), path); // refuses an unsafe path here, not at pull time
        }

        public Alias(String name, ModelSource source, ModelSource projector, String description) {
            this(name, source, projector, List.of(), description);
        }

        public Alias(String name, ModelSource source, String description) {
            this(name, source, null, description);
        }

        public boolean isFolder() { return !folder.isEmpty(); }

        /** A folder model's files, at the revision of {@code source}. */
        public List<ModelSource> folderSources() {
            return folder.stream().map(path -> new ModelSource(source.repo(), path, source.revision(), null, -1)).toList();
        }

        /** Where it lands in the model cache: its file's name, or its folder's. */
        public String cacheName() { return isFolder() ? name : source.fileName(); }
    }

    private static final List<Alias> TABLE = List.of(
            // The 260K-parameter TinyStories model llama.cpp's own CI loads. ggml-org renamed its "models" repo to
            // "models-moved" (the old name redirects); the commit and digest are those llama.cpp-based projects pin.
            new Alias("stories260k", new ModelSource("ggml-org/models-moved", "tinyllamas/stories260K.gguf",
                    "499bc8821c6b12b4e53c5bffcb21ec206f212d81", "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d",
                    1_185_376), "TinyStories 260K (llama2.c), 1.2 MB: the bundled demo model"),
            // Q8_0: SmolLM2's 576-wide rows are not a multiple of 256, so its K-quant files fall back to Q5_0 there.
            new Alias("smollm2-135m-instruct", new ModelSource("HuggingFaceTB/SmolLM2-135M-Instruct-GGUF",
                    "smollm2-135m-instruct-q8_0.gguf"), "SmolLM2 135M Instruct, Q8_0, about 140 MB"),
            // Meta's own repository is gated; bartowski's conversion is open and the one llama.cpp users share.
            new Alias("llama3.2-1b-instruct", new ModelSource("bartowski/Llama-3.2-1B-Instruct-GGUF",
                    "Llama-3.2-1B-Instruct-Q8_0.gguf"), "Llama 3.2 1B Instruct, Q8_0, about 1.3 GB"),
            // llama.cpp's own conversion: the SmolLM2 decoder and its Idefics3 SigLIP projector, both Q8_0.
            new Alias("smolvlm-256m-instruct", new ModelSource("ggml-org/SmolVLM-256M-Instruct-GGUF", "SmolVLM-256M-Instruct-Q8_0.gguf"),
                    new ModelSource("ggml-org/SmolVLM-256M-Instruct-GGUF", "mmproj-SmolVLM-256M-Instruct-Q8_0.gguf"),
                    "SmolVLM 256M Instruct (sees images), Q8_0 with its vision projector, about 280 MB"),
            // Whisper speech recognition, whisper.cpp's own conversions of OpenAI's checkpoints (MIT), read unchanged.
            whisper("whisper-tiny", "ggml-tiny.bin", "Whisper tiny, multilingual, F16, about 78 MB"),
            whisper("whisper-tiny.en", "ggml-tiny.en.bin", "Whisper tiny, English only, F16, about 78 MB"),
            whisper("whisper-base", "ggml-base.bin", "Whisper base, multilingual, F16, about 148 MB"),
            whisper("whisper-base.en", "ggml-base.en.bin", "Whisper base, English only, F16, about 148 MB"),
            whisper("whisper-base-q5_1", "ggml-base-q5_1.bin", "Whisper base, multilingual, Q5_1, about 60 MB"),
            whisper("whisper-small", "ggml-small.bin", "Whisper small, multilingual, F16, about 488 MB"),
            whisper("whisper-small-q5_1", "ggml-small-q5_1.bin", "Whisper small, multilingual, Q5_1, about 190 MB"),
            whisper("whisper-large-v3-turbo", "ggml-large-v3-turbo.bin", "Whisper large-v3-turbo, multilingual, F16, about 1.6 GB"),
            whisper("whisper-large-v3-turbo-q5_0", "ggml-large-v3-turbo-q5_0.bin", "Whisper large-v3-turbo, multilingual, Q5_0, about 574 MB"),
            whisper("whisper-large-v3-turbo-q8_0", "ggml-large-v3-turbo-q8_0.bin", "Whisper large-v3-turbo, multilingual, Q8_0, about 874 MB"),
            // Stable Diffusion pipelines in diffusers' layout, their F16 weights (the ".fp16" variant files Muse reads
            // when the plain ones are absent), and TAESD for previews, which Muse finds beside them in the cache.
            pipeline("sd-turbo", "stabilityai/sd-turbo", "SD-Turbo (SD 2.1 distilled: 1-4 steps, guidance 0), F16, about 2.6 GB"),
            pipeline("sd-1.5", "stable-diffusion-v1-5/stable-diffusion-v1-5", "Stable Diffusion 1.5, F16, about 2.1 GB"),
            new Alias("sdxl-turbo", new ModelSource("stabilityai/sdxl-turbo", "model_index.json"), null, xlFiles(),
                    "SDXL-Turbo (1-4 steps at 512x512, guidance 0), F16, about 7 GB"),
            new Alias("taesd", new ModelSource("madebyollin/taesd", "config.json"), null,
                    List.of("config.json", "diffusion_pytorch_model.safetensors"),
                    "TAESD, the tiny autoencoder for live previews of SD 1.x/2.x pictures, about 10 MB"),
            new Alias("taesdxl", new ModelSource("madebyollin/taesdxl", "config.json"), null,
                    List.of("config.json", "diffusion_pytorch_model.safetensors"),
                    "TAESDXL, the tiny autoencoder for live previews of SDXL pictures, about 10 MB"));

    /** A StableDiffusionPipeline repository's files Muse reads, with F16 weights. */
    private static Alias pipeline(String name, String repo, String description) {
        return new Alias(name, new ModelSource(repo, "model_index.json"), null, List.of("model_index.json", "scheduler/scheduler_config.json",
                "tokenizer/vocab.json", "tokenizer/merges.txt", "tokenizer/tokenizer_config.json", "text_encoder/config.json",
                "text_encoder/model.fp16.safetensors", "unet/config.json", "unet/diffusion_pytorch_model.fp16.safetensors", "vae/config.json",
                "vae/diffusion_pytorch_model.fp16.safetensors"), description);
    }

    /** A StableDiffusionXLPipeline repository's files Muse reads (both tokenizers and text encoders), with F16 weights. */
    private static List<String> xlFiles() {
        return List.of("model_index.json", "scheduler/scheduler_config.json", "tokenizer/vocab.json", "tokenizer/merges.txt",
                "tokenizer/tokenizer_config.json", "tokenizer_2/vocab.json", "tokenizer_2/merges.txt", "tokenizer_2/tokenizer_config.json",
                "text_encoder/config.json", "text_encoder/model.fp16.safetensors", "text_encoder_2/config.json", "text_encoder_2/model.fp16.safetensors",
                "unet/config.json", "unet/diffusion_pytorch_model.fp16.safetensors", "vae/config.json", "vae/diffusion_pytorch_model.fp16.safetensors");
    }

    private static Alias whisper(String name, String file, String description) {
        return new Alias(name, new ModelSource("ggerganov/whisper.cpp", file), description);
    }

    private ModelAliases() {}

    public static List<Alias> all() { return TABLE; }

    /**
     * The smallest model here that answers rather than continues text (it has a chat template): what Muse Studio offers
     * to pull when only a base model, such as the bundled stories260K, is installed.
     */
    public static Alias starterChat() { return find("smollm2-135m-instruct").orElseThrow(); }

    /** Aliases are matched ignoring case: stories260K and stories260k are the same request. */
    public static Optional<Alias> find(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        return TABLE.stream().filter(a -> a.name().equals(key)).findFirst();
    }

    public static String names() {
        return String.join(", ", TABLE.stream().map(Alias::name).toList());
    }
}
