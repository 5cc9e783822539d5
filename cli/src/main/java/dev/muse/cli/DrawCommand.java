package dev.muse.cli;

import dev.muse.hub.ModelFiles;
import dev.muse.hub.ModelPaths;
import dev.muse.runtime.DrawRequest;
import dev.muse.runtime.Drawing;
import dev.muse.runtime.Engine;
import dev.muse.runtime.Event;
import dev.muse.runtime.ImageScreen;
import dev.muse.runtime.Scheduler;
import dev.muse.safety.SafetyPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "draw", mixinStandardHelpOptions = true,
        description = {"Draw pictures from a prompt with a Stable Diffusion model (a diffusers folder), as PNG files that keep their parameters.",
                "With --image, redraw a picture (img2img); with --mask too, redraw only where the mask is white or transparent (inpainting)."})
final class DrawCommand implements Callable<Integer> {
    @Parameters(paramLabel = "PROMPT", description = "what to draw")
    String prompt;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "the picture to write (default: muse-SEED.png): a PNG, a JPEG "
            + "(quality 90) when FILE ends in .jpg or .jpeg, a lossless WebP for .webp; with -n, FILE-1.png, FILE-2.png, ...")
    Path output;

    @Option(names = {"-m", "--model"}, description = "a diffusers pipeline folder, or its name in the model cache (default: the first image model there)")
    String model;

    @Option(names = "--size", paramLabel = "WxH", description = "picture size in pixels (default 512x512, or the --image's own size); sides are multiples "
            + "of the model's step, 64 for SD")
    String size;

    @Option(names = "--image", paramLabel = "FILE", description = "a picture (PNG, JPEG or WebP) to redraw rather than starting from noise")
    Path image;

    @Option(names = "--strength", description = "how much of the --image to redraw, above 0 to 1 (default " + DrawRequest.DEFAULT_STRENGTH
            + "; 1 with --mask): of N steps, the last N x strength run")
    Double strength;

    @Option(names = "--mask", paramLabel = "FILE", description = "where to redraw the --image: white or transparent pixels are redrawn, the rest kept")
    Path mask;

    @Option(names = "--steps", description = "denoising steps (default " + DrawRequest.DEFAULT_STEPS + ", " + DrawRequest.DEFAULT_LCM_STEPS
            + " with lcm; 1 to 4 for Turbo models)")
    Integer steps;

    @Option(names = {"-g", "--guidance"}, defaultValue = "" + DrawRequest.DEFAULT_GUIDANCE,
            description = "how closely to follow the prompt (default ${DEFAULT-VALUE}; 0 turns guidance off, as Turbo models want)")
    double guidance;

    @Option(names = "--sampler", description = "euler (the model's own spacing of steps; the default but for latent consistency models), euler_a (Euler ancestral) "
            + "or dpmpp_2m_karras (DPM++ 2M Karras), as AUTOMATIC1111 runs those two, or lcm (latent consistency models: "
            + "an LCM-distilled UNet or an LCM-LoRA merged, 1-8 steps, guidance 0-2; the default for a pipeline whose scheduler is LCMScheduler "
            + "or whose UNet embeds guidance)")
    String sampler;

    @Option(names = "--negative", paramLabel = "TEXT", description = "what the picture should not show")
    String negative;

    @Option(names = "--seed", description = "the noise to start from: the same seed draws the same picture (default: random)")
    Long seed;

    @Option(names = "--preview", paramLabel = "FILE", description = "a PNG rewritten after every step with the picture as it forms "
            + "(TAESD's when a taesd model is beside the pipeline, else a coarse guess): open it in a viewer that reloads")
    Path preview;

    @Option(names = "--label", description = "draw a visible \"Made with AI\" label in the picture's corner (the invisible watermark and content credentials are there either way)")
    boolean label;

    @Option(names = "--safety", paramLabel = "auto|on|off", defaultValue = "auto", description = "screen every picture with the image safety "
            + "classifier (muse pull nsfw-mobilenet-v2-mid) and blur one it finds explicit: auto (when one is installed, the default), on (fail "
            + "without one) or off")
    String safety;

    @Option(names = "-n", defaultValue = "1", description = "pictures to draw, with seeds SEED, SEED+1, ... (default ${DEFAULT-VALUE}, at most " + DrawRequest.MAX_PICTURES + ")")
    int count;

    @Override public Integer call() throws Exception {
        int[] wh = size == null ? null : DrawRequest.size(size);
        if (image == null && (mask != null || strength != null)) throw new IllegalArgumentException("--mask and --strength edit an --image: give one");
        DrawRequest.Edit edit = image == null ? null : new DrawRequest.Edit(RunCommand.readImage(image), mask == null ? null : RunCommand.readImage(mask), strength);
        ModelPaths paths = resolve(model);
        long start = System.nanoTime();
        if (!List.of("auto", "on", "off").contains(safety)) throw new IllegalArgumentException("--safety is auto, on or off, not " + safety);
        try (Engine engine = new Engine(new Engine.Config(List.of(paths), ModelFiles.cache(), Long.MAX_VALUE, Scheduler.Options.single(16)))) {
            boolean screened = safety.equals("on") || safety.equals("auto") && engine.imageGuardModel().isPresent();
            ImageScreen screen = !screened ? null : new ImageScreen(SafetyPolicy.DEFAULT, (verdict, action) ->
                    System.err.println("note: a picture was blurred by the safety screening (" + verdict.model() + ": " + verdict.verdict().text().lines().skip(1).findFirst().orElse("") + ")"));
            DrawRequest request = new DrawRequest(paths.id(), prompt, negative, wh == null ? null : wh[0], wh == null ? null : wh[1], steps, guidance,
                    seed, count, sampler, edit, preview == null ? 0 : DrawRequest.MAX_PARTIAL_IMAGES,
                    format());
            try (Drawing drawing = engine.draw(request, screen)) {
                ProgressLine bar = new ProgressLine("drawing");
                while (true) {
                    switch (drawing.next()) {
                        case Event.Progress p -> bar.show(p.fraction());
                        case Event.Image image -> {
                            Path file = target(image.seed(), image.index());
                            Files.write(file, image.file());
                            bar.end("wrote " + file + " (seed " + image.seed() + ")");
                        }
                        case Event.Drawn done -> {
                            if (done.promptTokensLeftOut() > 0)
                                System.err.println("note: the prompt's last " + done.promptTokensLeftOut() + " tokens were left out (CLIP reads 75)");
                            System.err.printf(Locale.ROOT, "%d picture%s, %d steps, %.1f s%n", done.pictures(), done.pictures() == 1 ? "" : "s",
                                    done.steps(), (System.nanoTime() - start) / 1e9);
                            return 0;
                        }
                        case Event.Error e -> throw e.error();
                        case Event.Token x -> { } // other kinds of work's events: a drawing has none
                        case Event.Reasoning r -> { }
                        case Event.ToolCall x -> { }
                        case Event.Contemplating x -> { }
                        case Event.AgentText x -> { }
                        case Event.AgentDone x -> { }
                        case Event.ToolStep x -> { }
                        case Event.Done x -> { }
                        case Event.Usage x -> { }
                        case Event.Segment x -> { }
                        case Event.Transcribed x -> { }
                        case Event.Audio x -> { } // speech's events
                        case Event.Spoken x -> { }
                        case Event.PartialImage p -> { // replaced whole, so a viewer never reads half a file
                            Path part = preview.resolveSibling(preview.getFileName() + ".part");
                            Files.write(part, p.file());
                            Files.move(part, preview, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                        }
                    }
                }
            }
        }
    }

    /** The file format -o names by its extension: JPEG (quality 90) for .jpg and .jpeg, lossless WebP for .webp, else PNG. */
    private DrawRequest.Output format() {
        String name = output == null ? "" : output.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jpg") || name.endsWith(".jpeg")) return new DrawRequest.Output("jpeg", 90, label);
        return (name.endsWith(".webp") ? new DrawRequest.Output("webp", 100) : DrawRequest.Output.PNG).withLabel(label);
    }

    private Path target(long pictureSeed, int index) {
        if (output == null) return Path.of("muse-" + pictureSeed + ".png");
        if (count == 1) return output;
        String name = output.getFileName().toString(), lower = name.toLowerCase(Locale.ROOT);
        String extension = lower.endsWith(".jpg") ? ".jpg" : lower.endsWith(".jpeg") ? ".jpeg" : lower.endsWith(".webp") ? ".webp" : ".png";
        String stem = lower.endsWith(extension) ? name.substring(0, name.length() - extension.length()) : name;
        return output.resolveSibling(stem + "-" + (index + 1) + extension);
    }


    /** A pipeline folder given by path, one in the model cache by name, or the first image model in the cache. */
    static ModelPaths resolve(String model) {
        if (model != null && ModelFiles.isPipeline(Path.of(model))) {
            Path folder = Path.of(model).toAbsolutePath().normalize();
            return new ModelPaths(folder.getFileName().toString(), folder, null);
        }
        Map<String, ModelPaths> cached = ModelFiles.inFolder(ModelFiles.cache());
        if (model != null) {
            ModelPaths named = cached.get(model);
            if (named != null && ModelFiles.isPipeline(named.model())) return named;
            throw new IllegalArgumentException("no image model " + model + ": give a diffusers pipeline folder (one with model_index.json) or the name of one in "
                    + ModelFiles.cache());
        }
        return cached.values().stream().filter(p -> ModelFiles.isPipeline(p.model())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no image model in " + ModelFiles.cache()
                        + ": put a diffusers Stable Diffusion folder there (one with model_index.json), or give one with --model"));
    }
}
