package dev.muse.runtime;

import dev.muse.media.ImageDecoder;
import dev.muse.media.Mask;
import dev.muse.media.MediaException;
import dev.muse.media.Picture;
import dev.muse.media.PadStyle;
import dev.muse.media.Resize;
import dev.muse.media.ImageSize;
import dev.muse.media.ResizeAlgorithm;
import dev.muse.models.diffusion.Sampling.Sampler;
import dev.muse.models.diffusion.StableDiffusion;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Pictures to draw from a prompt, or to redraw from an image ({@link Edit}). Null fields take the defaults: 512 x 512 (for
 * an edit, the image's own size, scaled down to fit {@value #MAX_EDIT_SIDE} pixels a side), the model's sampler (Euler, or LCM
 * for a latent consistency model), {@link #DEFAULT_STEPS} steps ({@link #DEFAULT_LCM_STEPS} with LCM),
 * guidance {@link #DEFAULT_GUIDANCE}, a random seed. Picture i of n is drawn with seed + i, so each one can be drawn again alone.
 *
 * @param negativePrompt what the pictures should not show (used with guidance above 1)
 * @param sampler        euler (default), euler_a, dpmpp_2m_karras or lcm (latent consistency models, a few steps)
 * @param edit           the image to redraw, or null
 * @param partialImages  how many previews of each picture to send while it forms ({@link Event.PartialImage}), spread
 *                       evenly over its steps (at most one a step, none after the last)
 * @param output         the pictures' file format
 */
public record DrawRequest(String model, String prompt, String negativePrompt, Integer width, Integer height, Integer steps, Double guidance,
                          Long seed, int n, String sampler, Edit edit, int partialImages, Output output) {
    public static final int DEFAULT_SIDE = 512, DEFAULT_STEPS = 20, DEFAULT_LCM_STEPS = 4, MAX_PICTURES = 8, MAX_EDIT_SIDE = 1024, MAX_PARTIAL_IMAGES = 200;
    public static final double DEFAULT_GUIDANCE = 7.5, DEFAULT_STRENGTH = 0.75;
    /** The largest image (or mask) file an edit takes, as any image Muse reads. */
    public static final long MAX_IMAGE_BYTES = dev.muse.media.ImageLimits.DEFAULT.maxEncodedBytes();

    public DrawRequest {
        if (prompt == null || prompt.isBlank()) throw new IllegalArgumentException("a drawing needs a prompt");
        if (n < 1 || n > MAX_PICTURES) throw new IllegalArgumentException("n must be 1 to " + MAX_PICTURES + ", got " + n);
        if (sampler != null) Sampler.of(sampler); // refused here, before anything runs
        if (partialImages < 0 || partialImages > MAX_PARTIAL_IMAGES)
            throw new IllegalArgumentException("partial images must be 0 to " + MAX_PARTIAL_IMAGES + ", got " + partialImages);
        if (output == null) output = Output.PNG;
    }

    /** With previews, as PNG files. */
    public DrawRequest(String model, String prompt, String negativePrompt, Integer width, Integer height, Integer steps, Double guidance,
                       Long seed, int n, String sampler, Edit edit, int partialImages) {
        this(model, prompt, negativePrompt, width, height, steps, guidance, seed, n, sampler, edit, partialImages, Output.PNG);
    }

    /**
     * The pictures' files: PNG (lossless, the default), JPEG at a quality from 0 to 100 (OpenAI's output_compression), or
     * lossless WebP (the quality does not apply). Each keeps the parameters (a PNG text chunk, a JPEG comment, WebP XMP).
     */
    public record Output(String format, int quality, boolean label) {
        public static final Output PNG = new Output("png", 100);

        public Output {
            if (!format.equals("png") && !format.equals("jpeg") && !format.equals("webp"))
                throw new IllegalArgumentException("the output format is png, jpeg or webp, not " + format);
            if (quality < 0 || quality > 100) throw new IllegalArgumentException("the output compression is 0 to 100, got " + quality);
        }

        /** Without the visible label. */
        public Output(String format, int quality) {
            this(format, quality, false);
        }

        /** The same, with "Made with AI" drawn on the picture (or not). */
        public Output withLabel(boolean on) {
            return new Output(format, quality, on);
        }
    }

    /** Without previews. */
    public DrawRequest(String model, String prompt, String negativePrompt, Integer width, Integer height, Integer steps, Double guidance,
                       Long seed, int n, String sampler, Edit edit) {
        this(model, prompt, negativePrompt, width, height, steps, guidance, seed, n, sampler, edit, 0);
    }

    /** With the default sampler (Euler, as the model's scheduler config spaces its steps). */
    public DrawRequest(String model, String prompt, String negativePrompt, Integer width, Integer height, Integer steps, Double guidance,
                       Long seed, int n) {
        this(model, prompt, negativePrompt, width, height, steps, guidance, seed, n, null, null, 0);
    }

    /**
     * An image to redraw (img2img), encoded as PNG, JPEG or WebP, and optionally a mask of where to redraw (inpainting):
     * light or transparent pixels are redrawn (see {@link ImageDecoder#decodeMask}); without one, an image with transparent
     * pixels is its own mask, as in OpenAI's image edits. Strength is how much is redrawn,
     * above 0 to 1: {@value #DEFAULT_STRENGTH} by default, 1 with a mask (the masked part drawn anew).
     */
    public record Edit(byte[] image, byte[] mask, Double strength) {
        public Edit {
            if (image == null || image.length == 0) throw new IllegalArgumentException("an edit needs an image");
            if (strength != null && !(strength > 0 && strength <= 1)) throw new IllegalArgumentException("strength must be above 0 and at most 1, got " + strength);
        }
    }

    /**
     * The first picture's request, defaults filled in (a random seed when none was given) and an edit's image and mask
     * decoded and resized to the picture's size; {@code multiple} is what the model's sides must be multiples of, and
     * {@code modelSampler} the model's own sampler.
     */
    StableDiffusion.Request resolved(int multiple, Sampler modelSampler, ImageDecoder decoder) {
        StableDiffusion.Edit decoded = null;
        int w = width != null ? width : DEFAULT_SIDE, h = height != null ? height : DEFAULT_SIDE;
        if (edit != null) {
            ImageDecoder.Editable editable = decoded(() -> decoder.decodeEditable(edit.image()), "the image to edit");
            Picture image = editable.picture();
            if (width == null || height == null) {
                double scale = Math.min(1, (double) MAX_EDIT_SIDE / Math.max(image.width(), image.height()));
                w = Math.max(multiple, (int) (image.width() * scale) / multiple * multiple);
                h = Math.max(multiple, (int) (image.height() * scale) / multiple * multiple);
            }
            if (image.width() != w || image.height() != h) image = Resize.resize(image, new ImageSize(w, h), ResizeAlgorithm.BICUBIC, PadStyle.NONE, 0);
            // without a mask of its own, an image with transparent pixels is its own mask, as in OpenAI's image edits
            Mask mask = edit.mask() != null ? decoded(() -> decoder.decodeMask(edit.mask()), "the mask") : editable.transparent();
            if (mask != null) mask = mask.resized(w, h);
            double strength = edit.strength() != null ? edit.strength() : mask != null ? 1 : DEFAULT_STRENGTH;
            decoded = new StableDiffusion.Edit(image, mask, strength);
        }
        Sampler chosen = sampler != null ? Sampler.of(sampler) : modelSampler;
        return new StableDiffusion.Request(prompt, negativePrompt, w, h, steps != null ? steps : chosen == Sampler.LCM ? DEFAULT_LCM_STEPS : DEFAULT_STEPS,
                guidance != null ? guidance : DEFAULT_GUIDANCE, seed != null ? seed : ThreadLocalRandom.current().nextLong(1L << 53),
                chosen, decoded);
    }

    /** What decode gives, or an IllegalArgumentException that names what could not be decoded. */
    private static <T> T decoded(java.util.function.Supplier<T> decode, String what) {
        try {
            return decode.get();
        } catch (MediaException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
    }

    /** A size written WIDTHxHEIGHT ("512x512"), as the command line and the API take it; an IllegalArgumentException otherwise. */
    public static int[] size(String text) {
        String[] parts = text.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (parts.length == 2) {
                int w = Integer.parseInt(parts[0].strip()), h = Integer.parseInt(parts[1].strip());
                if (w > 0 && h > 0) return new int[] {w, h};
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("a size is WIDTHxHEIGHT in pixels, such as 512x512, not " + text);
    }

    /** One picture of the prompt with every default. */
    public static DrawRequest of(String model, String prompt) {
        return new DrawRequest(model, prompt, null, null, null, null, null, null, 1, null, null, 0);
    }
}
