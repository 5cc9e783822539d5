package dev.muse.models.diffusion;

import java.util.function.IntConsumer;

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
    public record Conditioning(float[] prompt, float[] negative, int tokens) {}

    /**
     * Samplers Muse runs. EULER steps through the scheduler config's own timesteps, as diffusers' EulerDiscreteScheduler
     * does; the others are k-diffusion's, as AUTOMATIC1111 and ComfyUI run them: Euler ancestral on the discrete
     * schedule (fresh noise each step), DPM++ 2M on Karras sigmas.
     */
    public enum Sampler {
        EULER, EULER_ANCESTRAL, DPMPP_2M_KARRAS;

        /** Its name in AUTOMATIC1111's parameters text: Euler, Euler a, DPM++ 2M Karras. */
        public String displayName() {
            return switch (this) {
                case EULER -> "Euler";
                case EULER_ANCESTRAL -> "Euler a";
                case DPMPP_2M_KARRAS -> "DPM++ 2M Karras";
            };
        }

        /** Its name as the API and the command line take it: euler, euler_a, dpmpp_2m_karras. */
        public String label() { return this == EULER_ANCESTRAL ? "euler_a" : name().toLowerCase(java.util.Locale.ROOT); }

        public static Sampler of(String label) {
            for (Sampler s : values()) if (s.label().equals(label)) return s;
            throw new IllegalArgumentException("no sampler '" + label + "': euler, euler_a or dpmpp_2m_karras");
        }
    }

    /** Unit Gaussian noise an ancestral sampler adds at each step. */
    public interface Noise {
        float[] next(int length);
    }

    /**
     * Runs {@code steps} steps of {@code sampler} from {@code noise} (unit Gaussian, channels-last, height x width x
     * channels), calling {@code progress} with each finished step's number (1-based). Returns the final latents, not yet
     * divided by the VAE's scaling factor.
     */
    public static float[] run(UNet unet, NoiseSchedule schedule, Sampler sampler, int steps, float[] noise, int height, int width,
                              Conditioning conditioning, double guidance, IntConsumer progress) {
        return run(unet, schedule, sampler, steps, noise, height, width, conditioning, guidance, progress, null);
    }

    /** As above; {@code stepNoise} gives an ancestral sampler's noise for each step (null for the other samplers). */
    public static float[] run(UNet unet, NoiseSchedule schedule, Sampler sampler, int steps, float[] noise, int height, int width,
                              Conditioning conditioning, double guidance, IntConsumer progress, Noise stepNoise) {
        NoiseSchedule.Steps plan = switch (sampler) {
            case EULER -> schedule.steps(steps);
            case EULER_ANCESTRAL -> schedule.discrete(steps);
            case DPMPP_2M_KARRAS -> schedule.karras(steps);
        };
        if (sampler == Sampler.EULER_ANCESTRAL && stepNoise == null) throw new IllegalArgumentException("an ancestral sampler needs noise for its steps");
        double[] sigmas = plan.sigmas();
        float[] x = noise.clone();
        scale(x, sampler == Sampler.EULER ? schedule.initNoiseSigma(plan) : sigmas[0]);
        float[] previous = null;
        for (int i = 0; i < plan.count(); i++) {
            double sigma = sigmas[i], next = sigmas[i + 1];
            float[] denoised = denoise(unet, schedule.config().prediction(), x, height, width, plan.timesteps()[i], sigma, conditioning, guidance);
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
            }
            progress.accept(i + 1);
        }
        return x;
    }

    /** x += (x - denoised) / sigma * (to - sigma): one Euler step of the probability-flow ODE. */
    private static void eulerStep(float[] x, float[] denoised, double sigma, double to) {
        double ratio = (to - sigma) / sigma;
        for (int j = 0; j < x.length; j++) x[j] = (float) (x[j] + (x[j] - denoised[j]) * ratio);
    }

    /** The model's estimate of the clean latents at this step, with guidance applied to its output. */
    static float[] denoise(UNet unet, SchedulerConfig.Prediction prediction, float[] x, int h, int w, double timestep, double sigma,
                           Conditioning c, double guidance) {
        float[] input = x.clone();
        scale(input, 1 / Math.sqrt(sigma * sigma + 1));
        float[] out = unet.predict(input, h, w, timestep, c.prompt(), c.tokens());
        if (guidance > 1) {
            float[] unconditional = unet.predict(input, h, w, timestep, c.negative(), c.tokens());
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

    private static void scale(float[] x, double factor) {
        for (int j = 0; j < x.length; j++) x[j] = (float) (x[j] * factor);
    }
}
