package dev.muse.models.diffusion;

/**
 * The denoising loop: from unit Gaussian noise to the final latents, calling the UNet once per step (twice with
 * classifier-free guidance: the prompt and the negative prompt, mixed as uncond + g * (cond - uncond), as diffusers'
 * pipelines do when g > 1). The sampler works on sigmas (k-diffusion's form of diffusers' Euler schedulers): the model
 * sees x / sqrt(sigma² + 1) at the step's timestep, its output becomes a denoised estimate, and the sampler moves x
 * toward it.
 */
public final class Sampling {
    private Sampling() {}

    /** The prompt's states and, for guidance, the negative prompt's; both tokens x the UNet's context width. */
    public record Conditioning(float[] prompt, float[] negative, int tokens, UNet.Added promptAdded, UNet.Added negativeAdded) {
        /** Without SDXL's added conditions. */
        public Conditioning(float[] prompt, float[] negative, int tokens) {
            this(prompt, negative, tokens, null, null);
        }
    }

    /**
     * Samplers Muse runs. EULER steps through the scheduler config's own timesteps, as diffusers' EulerDiscreteScheduler
     * does; EULER_ANCESTRAL and DPMPP_2M_KARRAS are k-diffusion's, as AUTOMATIC1111 and ComfyUI run them: Euler ancestral
     * on the discrete schedule (fresh noise each step), DPM++ 2M on Karras sigmas. LCM is diffusers' LCMScheduler, for
     * latent consistency models (an LCM-distilled UNet, or SD with an LCM-LoRA merged): each step's consistency estimate,
     * renoised with fresh noise to the next step's level.
     */
    public enum Sampler {
        EULER, EULER_ANCESTRAL, DPMPP_2M_KARRAS, LCM;

        /** Its name in AUTOMATIC1111's parameters text: Euler, Euler a, DPM++ 2M Karras. */
        public String displayName() {
            return switch (this) {
                case EULER -> "Euler";
                case EULER_ANCESTRAL -> "Euler a";
                case DPMPP_2M_KARRAS -> "DPM++ 2M Karras";
                case LCM -> "LCM";
            };
        }

        /** Its name as the API and the command line take it: euler, euler_a, dpmpp_2m_karras, lcm. */
        public String label() { return this == EULER_ANCESTRAL ? "euler_a" : name().toLowerCase(java.util.Locale.ROOT); }

        public static Sampler of(String label) {
            for (Sampler s : values()) if (s.label().equals(label)) return s;
            throw new IllegalArgumentException("no sampler '" + label + "': euler, euler_a, dpmpp_2m_karras or lcm");
        }
    }

    /** Hears each finished step: its number (1-based) and the step's estimate of the clean latents (for previews; not to be kept). */
    public interface Progress {
        void step(int done, float[] denoised);
    }

    /** Unit Gaussian noise an ancestral sampler adds at each step. */
    public interface Noise {
        float[] next(int length);
    }

    /**
     * Redrawing an image rather than noise (img2img), as diffusers' img2img and inpainting pipelines do: of n steps, the
     * last floor(n x strength) run, from the image's latents noised to the first of them. With a mask (one flag per latent
     * pixel, 1 to redraw), only the masked part is redrawn, and at full strength the run starts from pure noise, as
     * diffusers' inpainting pipeline does. An ordinary (4-channel) UNet sees the latents alone: after each step the unmasked
     * latents are put back as the image's latents noised to the next step's level (the same noise each time). An
     * inpainting UNet is shown the mask and the masked image's latents beside the latents at every step ({@code unetInput})
     * and redraws the rest itself.
     *
     * @param imageLatents the image's latents, already times the VAE's scaling factor, channels-last
     * @param mask         per latent pixel, 1 where the picture is redrawn and 0 where the image is kept; null for img2img
     * @param unetInput    for an inpainting UNet, its extra input channels per latent pixel (the mask, then the masked
     *                     image's latents), channels-last; null for an ordinary UNet
     */
    public record Edit(float[] imageLatents, float[] mask, double strength, float[] unetInput) {
        public Edit {
            if (!(strength > 0 && strength <= 1)) throw new IllegalArgumentException("strength must be above 0 and at most 1, got " + strength);
            if (unetInput != null && mask == null) throw new IllegalArgumentException("an inpainting UNet's input comes with a mask");
        }

        public Edit(float[] imageLatents, float[] mask, double strength) {
            this(imageLatents, mask, strength, null);
        }

        /** Of {@code steps} scheduled steps, the index of the first that runs. */
        public int firstStep(int steps) {
            return steps - stepsRun(steps, strength);
        }
    }

    /** How many of {@code steps} scheduled steps an edit of this strength runs: floor(steps x strength), as diffusers. */
    public static int stepsRun(int steps, double strength) {
        return Math.min((int) (steps * strength), steps);
    }

    /**
     * Runs {@code steps} steps of {@code sampler} from {@code noise} (unit Gaussian, channels-last, height x width x
     * channels), telling {@code progress} of each finished step. Returns the final latents, not yet
     * divided by the VAE's scaling factor.
     */
    public static float[] run(UNet unet, NoiseSchedule schedule, Sampler sampler, int steps, float[] noise, int height, int width,
                              Conditioning conditioning, double guidance, Progress progress) {
        return run(unet, schedule, sampler, steps, noise, height, width, conditioning, guidance, progress, null, null);
    }

    /**
     * As above; {@code stepNoise} gives an ancestral sampler's noise for each step (null for the other samplers), and
     * {@code edit} (or null) makes it redraw an image; then progress counts only the steps that run.
     */
    public static float[] run(UNet unet, NoiseSchedule schedule, Sampler sampler, int steps, float[] noise, int height, int width,
                              Conditioning conditioning, double guidance, Progress progress, Noise stepNoise, Edit edit) {
        NoiseSchedule.Steps plan = switch (sampler) {
            case EULER -> schedule.steps(steps);
            case EULER_ANCESTRAL -> schedule.discrete(steps);
            case DPMPP_2M_KARRAS -> schedule.karras(steps);
            case LCM -> schedule.lcm(steps, schedule.config().originalSteps());
        };
        if ((sampler == Sampler.EULER_ANCESTRAL || sampler == Sampler.LCM) && stepNoise == null)
            throw new IllegalArgumentException(sampler.displayName() + " needs noise for its steps");
        if (sampler == Sampler.LCM && edit != null) throw new IllegalArgumentException("lcm does not redraw images yet: use euler");
        double[] sigmas = plan.sigmas();
        int first = edit == null ? 0 : edit.firstStep(plan.count());
        if (first == plan.count()) throw new IllegalArgumentException("strength " + edit.strength() + " of " + steps + " steps runs none of them");
        if (edit != null && edit.imageLatents().length != noise.length)
            throw new IllegalArgumentException(edit.imageLatents().length + " image latents for " + noise.length + " noise values");
        float[] x = noise.clone();
        if (edit == null || (edit.mask() != null && first == 0)) {
            scale(x, switch (sampler) {
                case EULER -> schedule.initNoiseSigma(plan);
                case LCM -> Math.sqrt(sigmas[0] * sigmas[0] + 1); // unit noise as the model's own input, x = input / sqrt(alphā)
                default -> sigmas[0];
            });
        } else {
            noised(edit.imageLatents(), noise, sigmas[first], x);
        }
        float[] previous = null;
        for (int i = first; i < plan.count(); i++) {
            double sigma = sigmas[i], next = sigmas[i + 1];
            float[] denoised = denoise(unet, schedule.config().prediction(), x, height, width, plan.timesteps()[i], sigma, conditioning, guidance,
                    edit == null ? null : edit.unetInput());
            switch (sampler) {
                case EULER -> eulerStep(x, denoised, sigma, next);
                case EULER_ANCESTRAL -> {
                    // k-diffusion's get_ancestral_step (eta 1): step down to sigma_down, then add sigma_up of fresh noise
                    double up = Math.min(next, Math.sqrt(next * next * (sigma * sigma - next * next) / (sigma * sigma)));
                    double down = Math.sqrt(next * next - up * up);
                    eulerStep(x, denoised, sigma, down);
                    if (next > 0) {
                        float[] fresh = stepNoise.next(x.length);
                        for (int j = 0; j < x.length; j++) x[j] = (float) (x[j] + fresh[j] * up);
                    }
                }
                case DPMPP_2M_KARRAS -> {
                    // DPM-Solver++(2M) in k-diffusion's form: t = -log sigma; a second-order correction from the last estimate
                    double t = -Math.log(sigma), tNext = -Math.log(next), h = tNext - t, ratio = next / sigma, e = Math.expm1(-h);
                    if (previous == null || next == 0) {
                        for (int j = 0; j < x.length; j++) x[j] = (float) (ratio * x[j] - e * denoised[j]);
                    } else {
                        double r = (t + Math.log(sigmas[i - 1])) / h, a = 1 + 1 / (2 * r), b = 1 / (2 * r);
                        for (int j = 0; j < x.length; j++) x[j] = (float) (ratio * x[j] - e * (a * denoised[j] - b * previous[j]));
                    }
                    previous = denoised;
                }
                case LCM -> {
                    // diffusers' LCMScheduler.step in sigma form: the estimate mixed with the model's input by the boundary
                    // scalings (c_skip near 0 but for the last timesteps), then noised to the next level afresh
                    double scaled = plan.timesteps()[i] * schedule.config().timestepScaling(), data = 0.25; // sigma_data²
                    double skip = data / (scaled * scaled + data), out = scaled / Math.sqrt(scaled * scaled + data);
                    double input = 1 / Math.sqrt(sigma * sigma + 1);
                    for (int j = 0; j < x.length; j++) denoised[j] = (float) (out * denoised[j] + skip * (x[j] * input));
                    float[] fresh = next > 0 ? stepNoise.next(x.length) : null;
                    for (int j = 0; j < x.length; j++) x[j] = fresh == null ? denoised[j] : (float) (denoised[j] + next * fresh[j]);
                }
            }
            if (edit != null && edit.mask() != null && edit.unetInput() == null) keepUnmasked(x, edit, noise, next);
            progress.step(i - first + 1, denoised);
        }
        return x;
    }

    /** out = image + noise x sigma: diffusers' add_noise for its Euler-family schedulers. */
    private static void noised(float[] image, float[] noise, double sigma, float[] out) {
        for (int j = 0; j < out.length; j++) out[j] = (float) (image[j] + noise[j] * sigma);
    }

    /** Where the mask keeps the image, x becomes the image noised to sigma (the image itself after the last step). */
    private static void keepUnmasked(float[] x, Edit edit, float[] noise, double sigma) {
        float[] image = edit.imageLatents(), mask = edit.mask();
        int channels = x.length / mask.length;
        for (int j = 0; j < x.length; j++) {
            float m = mask[j / channels];
            float kept = (float) (image[j] + noise[j] * sigma);
            x[j] = (1 - m) * kept + m * x[j];
        }
    }

    /** x += (x - denoised) / sigma * (to - sigma): one Euler step of the probability-flow ODE. */
    private static void eulerStep(float[] x, float[] denoised, double sigma, double to) {
        double ratio = (to - sigma) / sigma;
        for (int j = 0; j < x.length; j++) x[j] = (float) (x[j] + (x[j] - denoised[j]) * ratio);
    }

    /** The model's estimate of the clean latents at this step, with guidance applied to its output. */
    static float[] denoise(UNet unet, SchedulerConfig.Prediction prediction, float[] x, int h, int w, double timestep, double sigma,
                           Conditioning c, double guidance, float[] extra) {
        float[] input = x.clone();
        scale(input, 1 / Math.sqrt(sigma * sigma + 1));
        if (extra != null) input = besides(input, extra, h * w);
        // an LCM-distilled UNet takes the guidance scale as an embedding, in one call (diffusers' LCM pipeline)
        float[] embedded = unet.config().embedsGuidance() ? unet.guidanceEmbedding(guidance) : null;
        float[] out = unet.predict(input, h, w, timestep, c.prompt(), c.tokens(), c.promptAdded(), embedded);
        if (embedded == null && guidance > 1) {
            float[] unconditional = unet.predict(input, h, w, timestep, c.negative(), c.tokens(), c.negativeAdded());
            for (int j = 0; j < out.length; j++) out[j] = (float) (unconditional[j] + guidance * (out[j] - unconditional[j]));
        }
        float[] denoised = new float[x.length];
        for (int j = 0; j < x.length; j++) {
            denoised[j] = switch (prediction) {
                case EPSILON -> (float) (x[j] - sigma * out[j]);
                case V_PREDICTION -> (float) (out[j] * (-sigma / Math.sqrt(sigma * sigma + 1)) + x[j] / (sigma * sigma + 1));
            };
        }
        return denoised;
    }

    /** Each pixel's channels of a, then of b (torch.cat along the channels, channels-last). */
    static float[] besides(float[] a, float[] b, int pixels) {
        int ca = a.length / pixels, cb = b.length / pixels;
        float[] out = new float[a.length + b.length];
        for (int p = 0; p < pixels; p++) {
            System.arraycopy(a, p * ca, out, p * (ca + cb), ca);
            System.arraycopy(b, p * cb, out, p * (ca + cb) + ca, cb);
        }
        return out;
    }

    private static void scale(float[] x, double factor) {
        for (int j = 0; j < x.length; j++) x[j] = (float) (x[j] * factor);
    }
}
