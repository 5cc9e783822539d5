package dev.muse.testkit;

import dev.muse.engine.GgmlType;
import dev.muse.formats.JsonValues;
import dev.muse.text.ClipTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A whole random-weight Stable Diffusion pipeline in the diffusers layout a user's download has: model_index.json,
 * tokenizer/ (a CLIP-shaped vocabulary: 49408 pieces whose first merges spell a few prompt words, the rest filler pairs),
 * text_encoder/ ({@link TinyClipText} SD1), unet/ ({@link TinyUNet} SD1), vae/ ({@link TinyVae}), scheduler/ (Euler with
 * SD's betas). Images are drawn in multiples of 32 pixels.
 */
public record TinyPipeline(GgmlType type, long seed, boolean inpainting, Sizes sizes) {
    /** The parts' shapes (a second text encoder for SDXL, else null), the scheduler's spacing of steps and its class. */
    public record Sizes(TinyClipText.Shape text, TinyClipText.Shape text2, TinyUNet.Shape unet, int[] vaeWidths, int vaeLayers, String spacing,
                        String scheduler) {
        public Sizes(TinyClipText.Shape text, TinyClipText.Shape text2, TinyUNet.Shape unet, int[] vaeWidths, int vaeLayers, String spacing) {
            this(text, text2, unet, vaeWidths, vaeLayers, spacing, "EulerDiscreteScheduler");
        }

        public static final Sizes TINY = new Sizes(TinyClipText.Shape.SD1, null, TinyUNet.Shape.SD1, new int[] {32, 32, 64, 64}, 1, "leading");
        /** A latent consistency model's: an LCM-distilled UNet (it embeds guidance) and LCMScheduler. */
        public static final Sizes LCM = new Sizes(TinyClipText.Shape.SD1, null, TinyUNet.Shape.SD1_LCM, new int[] {32, 32, 64, 64}, 1, "leading",
                "LCMScheduler");
        /** SDXL's rules: two text encoders (the second with its projection), the SDXL UNet. */
        public static final Sizes SDXL = new Sizes(TinyClipText.Shape.SD1, TinyClipText.Shape.SDXL2, TinyUNet.Shape.SDXL, new int[] {32, 32, 64, 64}, 1,
                "leading");
        /** SD-Turbo's real sizes (SD 2.1's parts: about 1.3 billion parameters), trailing steps as its scheduler config has them. */
        public static final Sizes SD_TURBO = new Sizes(TinyClipText.Shape.SD_TURBO, null, TinyUNet.Shape.SD_TURBO, new int[] {128, 256, 512, 512}, 2,
                "trailing");
    }

    public TinyPipeline(GgmlType type, long seed) {
        this(type, seed, false, Sizes.TINY);
    }

    /** The same pipeline as an inpainting model's: StableDiffusionInpaintPipeline with a 9-channel UNet. */
    public TinyPipeline inpaintingModel() { return new TinyPipeline(type, seed, true, sizes); }

    /** A tiny StableDiffusionXLPipeline: two tokenizers and text encoders, the SDXL UNet. */
    public static TinyPipeline sdxl(GgmlType type, long seed) { return new TinyPipeline(type, seed, false, Sizes.SDXL); }

    /** A tiny latent consistency model: LCMScheduler and a UNet that embeds the guidance scale. */
    public static TinyPipeline lcm(GgmlType type, long seed) { return new TinyPipeline(type, seed, false, Sizes.LCM); }

    /** A random-weight pipeline of SD-Turbo's real shapes, for benchmarks. */
    public static TinyPipeline sdTurbo(GgmlType type, long seed) { return new TinyPipeline(type, seed, false, Sizes.SD_TURBO); }

    /** Words whose letters the vocabulary merges first, so prompts of them tokenize into whole words. */
    static final List<String> WORDS = List.of("a", "red", "fox", "in", "snow", "watercolor", "cat", "on", "the", "moon", "photo", "of", "dog",
            "blurry", "bad", "quality");

    public Path write(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("model_index.json"), """
                {
                  "_class_name": "%s",
                  "_diffusers_version": "0.25.1",
                  "force_zeros_for_empty_prompt": true,
                  "feature_extractor": [null, null],
                  "requires_safety_checker": false,
                  "safety_checker": [null, null],
                  "scheduler": ["diffusers", "%s"],
                  "text_encoder": ["transformers", "CLIPTextModel"],
                  "tokenizer": ["transformers", "CLIPTokenizer"],
                  "unet": ["diffusers", "UNet2DConditionModel"],
                  "vae": ["diffusers", "AutoencoderKL"]
                }
                """.formatted(sizes.text2() != null ? "StableDiffusionXLPipeline" : inpainting ? "StableDiffusionInpaintPipeline" : "StableDiffusionPipeline",
                sizes.scheduler()));
        writeTokenizer(folder.resolve("tokenizer"));
        new TinyClipText(sizes.text(), type, seed).write(folder.resolve("text_encoder"));
        if (sizes.text2() != null) {
            writeTokenizer(folder.resolve("tokenizer_2"));
            new TinyClipText(sizes.text2(), type, seed + 1).write(folder.resolve("text_encoder_2"));
        }
        TinyUNet unet = new TinyUNet(sizes.unet(), type, seed);
        (inpainting ? unet.inpainting() : unet).write(folder.resolve("unet"));
        new TinyVae(sizes.vaeWidths(), sizes.vaeLayers(), type, seed).write(folder.resolve("vae"));
        Path scheduler = Files.createDirectories(folder.resolve("scheduler"));
        Files.writeString(scheduler.resolve("scheduler_config.json"), """
                {
                  "_class_name": "%s",
                  "_diffusers_version": "0.25.1",
                  "beta_end": 0.012,
                  "beta_schedule": "scaled_linear",
                  "beta_start": 0.00085,
                  "num_train_timesteps": 1000,
                  "prediction_type": "epsilon",
                  "steps_offset": 1,
                  "timestep_spacing": "%s"
                }
                """.formatted(sizes.scheduler(), sizes.spacing()));
        return folder;
    }

    /** vocab.json, merges.txt and tokenizer_config.json as a diffusers tokenizer/ folder has them. */
    static void writeTokenizer(Path folder) throws IOException {
        Files.createDirectories(folder);
        List<String> merges = merges();
        List<String> pieces = ClipTokenizer.vocabulary(merges);
        StringBuilder vocab = new StringBuilder("{");
        for (int id = 0; id < pieces.size(); id++) vocab.append(id == 0 ? "" : ",").append(JsonValues.quote(pieces.get(id))).append(':').append(id);
        Files.writeString(folder.resolve("vocab.json"), vocab.append('}').toString(), StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("merges.txt"), "#version: 0.2\n" + String.join("\n", merges) + "\n", StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("tokenizer_config.json"), """
                {"model_max_length": 77, "pad_token": "<|endoftext|>", "bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>"}
                """);
    }


    /** The words' merges (letters joined left to right, the last with its word end), then filler pairs up to CLIP's count. */
    static List<String> merges() {
        Set<String> pieces = new LinkedHashSet<>();
        List<String> merges = new ArrayList<>();
        for (String word : WORDS) {
            String left = word.substring(0, 1);
            for (int i = 1; i < word.length(); i++) {
                String right = word.substring(i, i + 1) + (i == word.length() - 1 ? "</w>" : "");
                if (pieces.add(left + right)) merges.add(left + " " + right);
                left = left + right;
            }
        }
        // filler: pairs of printable ASCII characters, plain and as word ends, never a piece made above
        outer:
        for (String end : new String[] {"", "</w>"})
            for (char a = '!'; a <= '~'; a++)
                for (char b = '!'; b <= '~'; b++) {
                    if (merges.size() == ClipTokenizer.MERGES) break outer;
                    String piece = "" + a + b + end;
                    if (pieces.add(piece)) merges.add(a + " " + b + end);
                }
        for (int extra = 0; merges.size() < ClipTokenizer.MERGES; extra++) {
            String piece = "x" + extra;
            if (pieces.add(piece)) merges.add("x " + extra);
        }
        return merges;
    }

    /** Writes a tiny F16 pipeline into DIR, for trying `muse draw` and the API by hand. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) throw new IllegalArgumentException("usage: TinyPipeline DIR");
        System.out.println(new TinyPipeline(GgmlType.F16, 1).write(Path.of(args[0])));
    }
}
