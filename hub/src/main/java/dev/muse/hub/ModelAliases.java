package dev.muse.hub;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Short names for well-known models, in this one table. Only architectures Muse runs (llama, SmolVLM's vision
 * projector, Llama Guard, Whisper, Stable Diffusion, Kokoro, nsfwjs' classifiers) and weight types it reads are listed. A SHA-256 is pinned only where it could be confirmed from independent
 * sources; the others are checked against the hub's own X-Linked-Etag at download time.
 */
public final class ModelAliases {
    /** A file of a folder model and where it lands in the folder (a path inside it). */
    public record FolderFile(ModelSource source, String at) {}

    /**
     * @param projector the model's vision projector (mmproj), pulled with it; null for a text-only model
     * @param folder    for a model of several files (a diffusers pipeline), their paths in {@code source}'s repository,
     *                  pulled into a folder of the cache named after the alias; empty for a one-file model
     * @param beside    files from elsewhere that a folder model needs (Kokoro's English dictionaries, from misaki's GitHub
     *                  repository), each pulled into the folder under its own file name, after the folder's files; with
     *                  no {@code folder}, the whole model (nsfwjs' classifiers, from its npm package)
     */
    public record Alias(String name, ModelSource source, ModelSource projector, List<String> folder, List<ModelSource> beside, String description) {
        public Alias {
            ModelSource.requireSafeSegment(name, "alias " + name);
            if (name.contains("/") || name.contains(":")) throw new IllegalArgumentException("an alias is one plain word, not " + name);
            folder = List.copyOf(folder);
            beside = List.copyOf(beside);
            for (String path : folder) new ModelSource(source.repo(), path); // refuses an unsafe path here, not at pull time
            // a folder of files from elsewhere only (an npm package's model files) has its first file as the source
        }

        public Alias(String name, ModelSource source, ModelSource projector, List<String> folder, String description) {
            this(name, source, projector, folder, List.of(), description);
        }

        public Alias(String name, ModelSource source, ModelSource projector, String description) {
            this(name, source, projector, List.of(), description);
        }

        public Alias(String name, ModelSource source, String description) {
            this(name, source, null, description);
        }

        public boolean isFolder() { return !folder.isEmpty() || !beside.isEmpty(); }

        /** A folder model's files in the order they are pulled: its own, at the revision of {@code source}, then those beside them. */
        public List<FolderFile> folderFiles() {
            List<FolderFile> files = new java.util.ArrayList<>();
            for (String path : folder) files.add(new FolderFile(new ModelSource(source.repo(), path, source.revision(), null, -1), path));
            for (ModelSource other : beside) files.add(new FolderFile(other, other.fileName()));
            return files;
        }

        /** The folder's file pulled last (its path in the folder): once it is there, the model is. */
        public String lastFile() { return folderFiles().getLast().at(); }

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
            // Llama Guard 3 1B for moderation and chat screening: Meta's repository is gated and holds safetensors; this
            // conversion is the one llama.cpp users name (repository and file confirmed by several independent projects
            // that load it), checked against the hub's digest at download time.
            new Alias("llama-guard3-1b", new ModelSource("QuantFactory/Llama-Guard-3-1B-GGUF", "Llama-Guard-3-1B.Q4_K_M.gguf"),
                    "Llama Guard 3 1B (moderation: safe / unsafe and hazards S1-S13), Q4_K_M, about 955 MB"),
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
                    "TAESDXL, the tiny autoencoder for live previews of SDXL pictures, about 10 MB"),
            // Kokoro-82M speech synthesis (Apache-2.0): its checkpoint, config and English voices unchanged, and the
            // English dictionaries of misaki (Apache-2.0), the phonemizer Kokoro was trained with, from its GitHub
            // repository at a pinned commit (they are not on the hub).
            new Alias("kokoro", new ModelSource("hexgrad/Kokoro-82M", "config.json"), null, kokoroFiles(), misakiDictionaries(),
                    "Kokoro-82M speech synthesis, 28 American and British English voices, F32, about 345 MB"),
            // nsfwjs' NSFW image classifiers (MIT) for the image safety check, their TensorFlow.js bundles from its npm
            // package unchanged; SHA-256 and sizes as npm installs them (its tarball checked against the registry's SHA-512).
            nsfwjs("nsfw-mobilenet-v2", "mobilenet_v2", List.of(
                            new String[] {"model.min.js", "c32f104fd562b08cdff5ed69dfe1209643afa47e792fb12751d2949aa61a397a", "106679"},
                            new String[] {"group1-shard1of1.min.js", "ef2e0a63f7d2c4960b37b024b669313f65d3c45cd59e9042636c55b39de53517", "3493394"}),
                    "nsfwjs MobileNetV2 image safety classifier (Drawing, Hentai, Neutral, Porn, Sexy), uint8, about 3.6 MB"),
            nsfwjs("nsfw-mobilenet-v2-mid", "mobilenet_v2_mid", List.of(
                            new String[] {"model.min.js", "a7a9e701491e2449b221dab7c424957f853e700602b5575da33cfd745616f964", "128625"},
                            new String[] {"group1-shard1of2.min.js", "f2e79a209e44d668220ec5f1533a98f2be954e3953685bf074d201b82fefc29a", "5593186"},
                            new String[] {"group1-shard2of2.min.js", "f291df992a0131741372506a6072fb9f1645bff7c973c983fd6276f5f9625d5e", "142742"}),
                    "nsfwjs MobileNetV2 (mid, 1.4x wider) image safety classifier, uint8, about 5.9 MB"));

    /** One of nsfwjs 4.3.0's models: its files (name, SHA-256, size) in dist/models/{folder} of the npm package. */
    private static Alias nsfwjs(String name, String folder, List<String[]> files, String description) {
        List<ModelSource> sources = files.stream()
                .map(f -> ModelSource.npm("nsfwjs", "4.3.0", "dist/models/" + folder + "/" + f[0], f[1], Long.parseLong(f[2]))).toList();
        return new Alias(name, sources.getFirst(), null, List.of(), sources, description);
    }

    /** Kokoro-82M's checkpoint, config and its American (a*) and British (b*) English voices. */
    private static List<String> kokoroFiles() {
        List<String> files = new java.util.ArrayList<>(List.of("config.json", "kokoro-v1_0.pth"));
        for (String voice : List.of("af_heart", "af_alloy", "af_aoede", "af_bella", "af_jessica", "af_kore", "af_nicole", "af_nova", "af_river",
                "af_sarah", "af_sky", "am_adam", "am_echo", "am_eric", "am_fenrir", "am_liam", "am_michael", "am_onyx", "am_puck", "am_santa",
                "bf_alice", "bf_emma", "bf_isabella", "bf_lily", "bm_daniel", "bm_fable", "bm_george", "bm_lewis"))
            files.add("voices/" + voice + ".pt");
        return files;
    }

    /** misaki's American and British gold and silver dictionaries at commit fba1236, their SHA-256 and sizes as read there. */
    private static List<ModelSource> misakiDictionaries() {
        String commit = "fba1236595f2d2bf21d414ba6e57d25256afada3";
        return List.of(
                ModelSource.github("hexgrad/misaki", "misaki/data/us_gold.json", commit, "dc414872a49a28ae6c141463d502fd945f3b2fde040484fdc47d00cc4612686f", 3_000_469),
                ModelSource.github("hexgrad/misaki", "misaki/data/us_silver.json", commit, "de8f67be911bb6c659187b4a65fd966b6a30e56350e0f790d763210b053ac475", 3_099_517),
                ModelSource.github("hexgrad/misaki", "misaki/data/gb_gold.json", commit, "29e62f4b60261c88f7f3c2c7811ca3825978948090b72d2b27d565b729282f71", 2_838_552),
                ModelSource.github("hexgrad/misaki", "misaki/data/gb_silver.json", commit, "48131e2d92ccc41655f4543e87e0f938e71463eb5a54be7f0693bb712ebb6bce", 3_663_898));
    }

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
