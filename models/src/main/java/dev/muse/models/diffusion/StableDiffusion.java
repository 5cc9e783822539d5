package dev.muse.models.diffusion;

import dev.muse.engine.Ops;
import dev.muse.formats.FormatException;
import dev.muse.formats.JsonConfig;
import dev.muse.formats.JsonValues;
import dev.muse.media.Mask;
import dev.muse.media.Picture;
import dev.muse.models.clip.ClipTextEncoder;
import dev.muse.text.ClipTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * A Stable Diffusion 1.x/2.x pipeline (and their distilled descendants, SD-Turbo among them; SDXL with its second text
 * encoder) from a diffusers folder as people have it: {@code model_index.json}, {@code tokenizer/}, {@code text_encoder/}
 * (and {@code tokenizer_2/}, {@code text_encoder_2/}), {@code unet/}, {@code vae/}, {@code scheduler/}. Text to image: the prompt (and the negative prompt, for guidance) through CLIP, seeded noise
 * denoised by the UNet under {@link Sampling}, the latents decoded by the VAE into an RGB picture.
 */
public final class StableDiffusion implements AutoCloseable {
    /** Largest side Muse draws, in pixels: four times SD 1.x's native size. */
    public static final int MAX_SIDE = 2048;

    private final PromptEncoder prompts;
    private final UNet unet;
    private final Vae vae;
    private final NoiseSchedule schedule;
    /** TAESD for previews, or null: then previews are a linear guess of each latent pixel's colour. */
    private final Taesd taesd;
    /** The sampler the pipeline's own scheduler stands for: LCM for a latent consistency model, else Euler. */
    private final Sampling.Sampler sampler;

    private StableDiffusion(PromptEncoder prompts, UNet unet, Vae vae, NoiseSchedule schedule, Taesd taesd, Sampling.Sampler sampler) {
        this.prompts = prompts;
        this.unet = unet;
        this.vae = vae;
        this.schedule = schedule;
        this.taesd = taesd;
        this.sampler = sampler;
    }

    /** Whether {@code folder} is a diffusers pipeline folder (it has a model_index.json). */
    public static boolean isPipeline(Path folder) {
        return Files.isRegularFile(folder.resolve("model_index.json"));
    }

    /**
     * Loads every component; a FormatException names the part that is missing or not what it should be. Previews use
     * TAESD when a {@code taesd} folder ({@code taesdxl} for SDXL) is inside the pipeline's folder or beside it (where
     * {@code muse pull taesd} puts it in the model cache).
     */
    public static StableDiffusion load(Path folder, Ops ops) throws IOException {
        JsonConfig index = JsonConfig.read(folder.resolve("model_index.json"));
        String type = index.string("_class_name", "");
        boolean xl = type.equals("StableDiffusionXLPipeline");
        if (!xl && !type.equals("StableDiffusionPipeline") && !type.equals("StableDiffusionInpaintPipeline"))
            throw new FormatException(folder.getFileName() + " is a " + (type.isEmpty() ? "pipeline of no named class" : type)
                    + ": Muse draws with StableDiffusionPipeline, StableDiffusionInpaintPipeline and StableDiffusionXLPipeline folders (SD 1.x, 2.x, SD-Turbo, SDXL) so far");
        JsonConfig schedulerJson = JsonConfig.read(folder.resolve("scheduler").resolve("scheduler_config.json"));
        SchedulerConfig scheduler = SchedulerConfig.from(schedulerJson);
        ClipTextEncoder text = null, text2 = null;
        UNet unet = null;
        Vae vae = null;
        try {
            text = ClipTextEncoder.load(folder.resolve("text_encoder"), ops);
            ClipTokenizer tokenizer = tokenizer(folder.resolve("tokenizer"));
            PromptEncoder prompts;
            int context = text.config().hiddenSize();
            if (xl) {
                text2 = ClipTextEncoder.load(folder.resolve("text_encoder_2"), ops);
                if (text2.config().projectionDim() == 0) throw new FormatException(folder.getFileName() + ": text_encoder_2 has no text projection (SDXL's has)");
                ClipTokenizer tokenizer2 = tokenizer(folder.resolve("tokenizer_2"));
                prompts = new PromptEncoder.Dual(tokenizer, tokenizer.id(padToken(folder.resolve("tokenizer"))), text, tokenizer2,
                        tokenizer2.id(padToken(folder.resolve("tokenizer_2"))), text2, index.bool("force_zeros_for_empty_prompt", true));
                context += text2.config().hiddenSize();
            } else {
                prompts = new PromptEncoder.Single(tokenizer, tokenizer.id(padToken(folder.resolve("tokenizer"))), text);
            }
            unet = UNet.load(folder.resolve("unet"), ops);
            vae = Vae.load(folder.resolve("vae"), ops);
            if (unet.config().contextDim() != context)
                throw new FormatException(folder.getFileName() + ": the UNet attends to " + unet.config().contextDim() + "-wide states, the text encoders give " + context);
            if (xl != (unet.config().addedTimeDim() > 0) || xl && unet.config().textEmbedDim() != text2.config().projectionDim())
                throw new FormatException(folder.getFileName() + ": the UNet's added embeddings (" + unet.config().textEmbedDim() + " wide) do not match the "
                        + (xl ? "second text encoder's projection (" + text2.config().projectionDim() + ")" : "pipeline, which has no second text encoder"));
            int latent = vae.config().latentChannels();
            if (unet.config().inChannels() != latent && unet.config().inChannels() != 2 * latent + 1)
                throw new FormatException(folder.getFileName() + ": the UNet takes " + unet.config().inChannels() + " channels, neither the VAE's "
                        + latent + " latent channels nor an inpainting model's " + (2 * latent + 1));
            if (unet.config().outChannels() != latent)
                throw new FormatException(folder.getFileName() + ": the UNet makes " + unet.config().outChannels() + " channels, the VAE has " + latent);
            Taesd taesd = taesd(folder, xl ? "taesdxl" : "taesd", ops, vae.config().latentChannels(), vae.config().factor());
            boolean consistency = schedulerJson.string("_class_name", "").equals("LCMScheduler") || unet.config().embedsGuidance();
            return new StableDiffusion(prompts, unet, vae, new NoiseSchedule(scheduler), taesd, consistency ? Sampling.Sampler.LCM : Sampling.Sampler.EULER);
        } catch (IOException | RuntimeException e) {
            if (vae != null) vae.close();
            if (unet != null) unet.close();
            if (text2 != null) text2.close();
            if (text != null) text.close();
            throw e;
        }
    }

    /**
     * The TAESD of this kind of pipeline ({@code taesd}, or {@code taesdxl} for SDXL, whose latents mean other colours)
     * inside the pipeline's folder, else beside it, else null; one of another shape is refused.
     */
    static Taesd taesd(Path folder, String name, Ops ops, int latentChannels, int factor) throws IOException {
        for (Path candidate : new Path[] {folder.resolve(name), folder.toAbsolutePath().resolveSibling(name)}) {
            if (!Files.isRegularFile(candidate.resolve("config.json"))) continue;
            Taesd taesd = Taesd.load(candidate, ops);
            if (taesd.latentChannels() == latentChannels && taesd.factor() == factor) return taesd;
            taesd.close();
            throw new FormatException(candidate + " decodes " + taesd.latentChannels() + "-channel latents " + taesd.factor() + " times larger: not this pipeline's TAESD");
        }
        return null;
    }

    /** A diffusers tokenizer/ folder: vocab.json and merges.txt (each capped in size before it is read). */
    static ClipTokenizer tokenizer(Path folder) throws IOException {
        Path vocab = folder.resolve("vocab.json"), merges = folder.resolve("merges.txt");
        for (Path p : new Path[] {vocab, merges}) {
            if (!Files.isRegularFile(p)) throw new FormatException("tokenizer/" + p.getFileName() + " is missing");
            if (Files.size(p) > 16 << 20) throw new FormatException("tokenizer/" + p.getFileName() + " is " + Files.size(p) + " bytes: not a CLIP vocabulary");
        }
        if (!(JsonValues.parse(Files.readString(vocab), "tokenizer/vocab.json") instanceof Map<?, ?> entries))
            throw new FormatException("tokenizer/vocab.json is not a JSON object");
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : entries.entrySet()) {
            if (!(e.getValue() instanceof Long id) || id < 0 || id > Integer.MAX_VALUE) throw new FormatException("tokenizer/vocab.json gives " + e.getKey() + " no id");
            ids.put((String) e.getKey(), (int) (long) id);
        }
        try {
            return ClipTokenizer.fromVocabulary(ids, Files.readString(merges));
        } catch (IllegalArgumentException e) {
            throw new FormatException("tokenizer/: " + e.getMessage(), e);
        }
    }

    /** The padding piece tokenizer_config.json names (a string, or an object with its content); "<|endoftext|>" when none. */
    static String padToken(Path folder) throws IOException {
        Path config = folder.resolve("tokenizer_config.json");
        if (!Files.isRegularFile(config)) return ClipTokenizer.END;
        if (!(JsonValues.parse(Files.readString(config), "tokenizer/tokenizer_config.json") instanceof Map<?, ?> fields)) return ClipTokenizer.END;
        Object pad = fields.get("pad_token");
        if (pad instanceof Map<?, ?> token) pad = token.get("content");
        return pad instanceof String s ? s : ClipTokenizer.END;
    }


    /**
     * What to draw. Sides are pixels, multiples of {@link #sideMultiple()}; guidance at most 1 turns guidance off. With an
     * {@link Edit}, the picture is redrawn from an image (img2img) or, with a mask, only where the mask says (inpainting).
     */
    public record Request(String prompt, String negativePrompt, int width, int height, int steps, double guidance, long seed, Sampling.Sampler sampler,
                          Edit edit) {
        public Request(String prompt, String negativePrompt, int width, int height, int steps, double guidance, long seed) {
            this(prompt, negativePrompt, width, height, steps, guidance, seed, Sampling.Sampler.EULER, null);
        }

        public Request withSeed(long other) {
            return new Request(prompt, negativePrompt, width, height, steps, guidance, other, sampler, edit);
        }

        /** How many denoising steps run: all of them, or an edit's share (steps x strength, rounded down). */
        public int stepsRun() {
            return edit == null ? steps : Sampling.stepsRun(steps, edit.strength());
        }
    }

    /**
     * The image to redraw, at the request's size; how much of it to redraw, from 0 (nothing) to 1 (from pure noise under
     * the mask, or from the image noised all the way without one); and the mask (null: the whole picture).
     */
    public record Edit(Picture image, Mask mask, double strength) {
        public Edit {
            if (image == null) throw new IllegalArgumentException("an edit needs an image");
            if (!(strength > 0 && strength <= 1)) throw new IllegalArgumentException("strength must be above 0 and at most 1, got " + strength);
            if (mask != null && (mask.width() != image.width() || mask.height() != image.height()))
                throw new IllegalArgumentException("the mask is " + mask.width() + "x" + mask.height() + ", the image " + image.width() + "x" + image.height());
        }
    }

    /** The picture, how many of the prompt's tokens the text encoder never saw (CLIP reads 75), and where the time went. */
    public record Result(Picture picture, int promptTokensLeftOut, Timings timings) {}

    /** Nanoseconds spent encoding the prompts, in each denoising step (both guidance calls), and decoding the latents. */
    public record Timings(long textNanos, long[] stepNanos, long decodeNanos) {}

    /** The sampler a request without one gets: LCM for a latent consistency model (its scheduler LCMScheduler, or its UNet embeds guidance), else Euler. */
    public Sampling.Sampler sampler() { return sampler; }

    /** Image sides must be multiples of this: the VAE's factor times the UNet's. */
    public int sideMultiple() { return vae.config().factor() * unet.sideMultiple(); }

    /** Refuses (IllegalArgumentException, saying why) a request this pipeline cannot draw, before any work. */
    public void check(Request r) {
        int m = sideMultiple();
        if (r.width() < m || r.height() < m || r.width() % m != 0 || r.height() % m != 0 || r.width() > MAX_SIDE || r.height() > MAX_SIDE)
            throw new IllegalArgumentException("width and height must be multiples of " + m + " from " + m + " to " + MAX_SIDE + ", got " + r.width() + "x" + r.height());
        if (r.steps() < 1 || r.steps() > 200) throw new IllegalArgumentException("steps must be 1 to 200, got " + r.steps());
        if ((r.sampler() == Sampling.Sampler.EULER_ANCESTRAL || r.sampler() == Sampling.Sampler.DPMPP_2M_KARRAS) && r.steps() < 2)
            throw new IllegalArgumentException(r.sampler().label() + " needs at least 2 steps");
        if (r.sampler() == Sampling.Sampler.LCM && r.steps() > schedule.config().originalSteps())
            throw new IllegalArgumentException("lcm takes at most " + schedule.config().originalSteps() + " steps (the distillation's own), got " + r.steps());
        if (r.sampler() == Sampling.Sampler.LCM && r.edit() != null) throw new IllegalArgumentException("lcm does not redraw images yet: use euler");
        if (!(r.guidance() >= 0 && r.guidance() <= 30)) throw new IllegalArgumentException("guidance must be 0 to 30, got " + r.guidance());
        if (r.edit() != null) {
            Picture image = r.edit().image();
            if (image.width() != r.width() || image.height() != r.height())
                throw new IllegalArgumentException("the image to edit is " + image.width() + "x" + image.height() + ", the picture " + r.width() + "x" + r.height());
            if (r.stepsRun() < 1)
                throw new IllegalArgumentException("strength " + r.edit().strength() + " of " + r.steps() + " steps runs none of them: raise either");
            if (r.edit().mask() != null && r.edit().mask().count() == 0) throw new IllegalArgumentException("the mask keeps every pixel: nothing to redraw");
        }
    }

    /**
     * Hears each finished denoising step (1-based, up to {@link Request#stepsRun()}); {@code preview} draws the picture as
     * the step sees it (its estimate of the clean latents, through TAESD or a linear guess of each latent pixel's colour),
     * only when called, and only during the call.
     */
    public interface StepListener {
        void step(int done, Supplier<Picture> preview);
    }

    /** Whether previews come from TAESD (else from a linear guess, 8 x 8 pixels a colour). */
    public boolean previewsByTaesd() { return taesd != null; }

    /**
     * Whether the UNet is an inpainting model's (it takes the mask and the masked image's latents beside the latents): it
     * then draws every picture as an inpainting, of the whole picture when nothing says which part.
     */
    public boolean inpaintingModel() { return unet.config().inChannels() != vae.config().latentChannels(); }

    /** Draws one picture; {@code progress} hears each finished denoising step. */
    public Result generate(Request r, StepListener progress) {
        int factor = vae.config().factor(), n = (r.height() / factor) * (r.width() / factor) * vae.config().latentChannels();
        SplittableRandom random = new SplittableRandom(r.seed());
        float[] start = gaussians(random, n);
        SplittableRandom later = random.split(); // an ancestral sampler's noise for each step, from the same seed
        SplittableRandom posterior = random.split(); // an edit's sample of the image's latent distribution
        SplittableRandom masked = random.split(); // an inpainting model's sample of the masked image's
        return generate(r, start, length -> gaussians(later, length), r.edit() == null ? null : gaussians(posterior, n),
                inpaintingModel() ? gaussians(masked, n) : null, progress);
    }

    /**
     * As above, with the noise given: the start, each ancestral step's, and the samples of the image's latent distribution
     * (for an edit) and of the masked image's (for an inpainting model).
     */
    Result generate(Request r, float[] start, Sampling.Noise stepNoise, float[] posteriorNoise, float[] maskedNoise, StepListener progress) {
        check(r);
        long started = System.nanoTime();
        Sampling.Conditioning conditioning = prompts.encode(r.prompt(), r.negativePrompt(), r.guidance() > 1, r.width(), r.height());
        long encoded = System.nanoTime();
        int factor = vae.config().factor(), h = r.height() / factor, w = r.width() / factor;
        float scaling = vae.config().scalingFactor();
        Sampling.Edit edit = null;
        float[] image = null;
        if (r.edit() != null) {
            image = vae.encode(toPixels(r.edit().image()), r.height(), r.width()).sample(posteriorNoise);
            for (int i = 0; i < image.length; i++) image[i] *= scaling;
        }
        if (inpaintingModel()) {
            // diffusers' inpainting pipeline: the image with its masked pixels zeroed (mid-grey), encoded, beside the mask;
            // without a mask (or an image) the whole picture is masked
            Mask mask = r.edit() != null && r.edit().mask() != null ? r.edit().mask() : new Mask(r.width(), r.height(), filled(r.width() * r.height()));
            float[] pixels = r.edit() != null ? toPixels(r.edit().image()) : new float[r.width() * r.height() * 3];
            for (int p = 0; p < mask.repaint().length; p++) if (mask.repaint()[p]) pixels[3 * p] = pixels[3 * p + 1] = pixels[3 * p + 2] = 0;
            float[] masked = vae.encode(pixels, r.height(), r.width()).sample(maskedNoise);
            for (int i = 0; i < masked.length; i++) masked[i] *= scaling;
            float[] small = latentMask(mask, w, h);
            edit = new Sampling.Edit(image != null ? image : new float[masked.length], small, r.edit() != null ? r.edit().strength() : 1,
                    Sampling.besides(small, masked, w * h));
        } else if (r.edit() != null) {
            edit = new Sampling.Edit(image, r.edit().mask() == null ? null : latentMask(r.edit().mask(), w, h), r.edit().strength());
        }
        long[] steps = new long[r.stepsRun()];
        long[] stepStart = {System.nanoTime()};
        float[] latents = Sampling.run(unet, schedule, r.sampler(), r.steps(), start, h, w, conditioning, r.guidance(), (done, denoised) -> {
                    steps[done - 1] = System.nanoTime() - stepStart[0];
                    progress.step(done, () -> preview(denoised, w, h));
                    stepStart[0] = System.nanoTime(); // a preview's time is not the next step's
                }, stepNoise, edit);
        long decoding = System.nanoTime();
        for (int i = 0; i < latents.length; i++) latents[i] /= scaling;
        float[] pixels = vae.decode(latents, h, w);
        long decoded = System.nanoTime();
        int leftOut = prompts.tokensLeftOut(r.prompt());
        Picture picture = toPicture(pixels, r.width(), r.height());
        if (r.edit() != null && r.edit().mask() != null) keepUnmasked(picture, r.edit().image(), r.edit().mask());
        return new Result(picture, leftOut, new Timings(encoded - started, steps, decoded - decoding));
    }

    private static boolean[] filled(int n) {
        boolean[] all = new boolean[n];
        java.util.Arrays.fill(all, true);
        return all;
    }

    /** A picture of scaled latents at the request's size: TAESD's decode, or the linear guess scaled up 8 times. */
    Picture preview(float[] latents, int width, int height) {
        if (taesd != null) return toPicture(taesd.decode(latents, height, width), width * taesd.factor(), height * taesd.factor());
        int factor = vae.config().factor(), channels = latents.length / (width * height);
        byte[] rgb = new byte[width * factor * height * factor * 3];
        for (int y = 0; y < height * factor; y++) {
            for (int x = 0; x < width * factor; x++) {
                int latent = ((y / factor) * width + x / factor) * channels;
                for (int c = 0; c < 3; c++) {
                    double v = 0;
                    for (int k = 0; k < Math.min(4, channels); k++) v += latents[latent + k] * LATENT_RGB[k][c];
                    rgb[(y * width * factor + x) * 3 + c] = (byte) Math.round(Math.min(1, Math.max(0, v / 2 + 0.5)) * 255);
                }
            }
        }
        return new Picture(width * factor, height * factor, rgb);
    }

    /**
     * Each SD latent channel's contribution to red, green and blue: the widely used linear fit of SD 1.x's latent space
     * (AUTOMATIC1111's "approx cheap" preview), good enough to see a picture's layout and colours form.
     */
    private static final double[][] LATENT_RGB = {{0.298, 0.207, 0.208}, {0.187, 0.286, 0.173}, {-0.158, 0.189, 0.264}, {-0.184, -0.271, -0.473}};

    /**
     * Outside the mask, the edited picture is the original's own pixels (as AUTOMATIC1111 pastes them back): the VAE
     * would otherwise redraw them slightly, since each decoded pixel depends on every latent.
     */
    static void keepUnmasked(Picture picture, Picture original, Mask mask) {
        for (int i = 0; i < mask.repaint().length; i++)
            if (!mask.repaint()[i]) System.arraycopy(original.rgb(), 3 * i, picture.rgb(), 3 * i, 3);
    }

    /** The mask at the latents' size (nearest, as diffusers' inpainting pipeline shrinks it), 1 where redrawn. */
    static float[] latentMask(Mask mask, int width, int height) {
        Mask small = mask.resized(width, height);
        float[] out = new float[width * height];
        for (int i = 0; i < out.length; i++) out[i] = small.repaint()[i] ? 1f : 0f;
        return out;
    }

    /** 8-bit RGB to the VAE's input as diffusers' image processor makes it: value / 255 * 2 - 1, channels-last. */
    static float[] toPixels(Picture picture) {
        byte[] rgb = picture.rgb();
        float[] out = new float[rgb.length];
        for (int i = 0; i < out.length; i++) out[i] = (rgb[i] & 0xFF) / 255f * 2 - 1;
        return out;
    }

    /** Muse's own seeded unit Gaussian noise (the same seed gives the same picture in Muse, not in other tools). */
    static float[] gaussians(SplittableRandom random, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) random.nextGaussian();
        return out;
    }

    /** VAE output in [-1, 1] to 8-bit RGB as diffusers' image processor does: (x / 2 + 0.5) clamped to [0, 1], times 255, rounded. */
    static Picture toPicture(float[] pixels, int width, int height) {
        byte[] rgb = new byte[width * height * 3];
        for (int i = 0; i < rgb.length; i++) {
            double v = Math.min(1, Math.max(0, pixels[i] / 2 + 0.5));
            rgb[i] = (byte) Math.round(v * 255);
        }
        return new Picture(width, height, rgb);
    }

    @Override public void close() {
        if (taesd != null) taesd.close();
        vae.close();
        unet.close();
        prompts.close();
    }
}
