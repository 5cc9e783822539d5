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

    /** Samplers Muse runs (more come with their goldens). */
    public enum Sampler { EULER }

    /**
     * Runs {@code steps} steps of {@code sampler} from {@code noise} (unit Gaussian, channels-last, height x width x
     * channels), calling {@code progress} with each finished step's number (1-based). Returns the final latents, not yet
     * divided by the VAE's scaling factor.
     */
    public static float[] run(UNet unet, NoiseSchedule schedule, Sampler sampler, int steps, float[] noise, int height, int width,
                              Conditioning conditioning, double guidance, IntConsumer progress) {
        NoiseSchedule.Steps plan = schedule.steps(steps);
        double[] sigmas = plan.sigmas();
        float[] x = noise.clone();
        scale(x, schedule.initNoiseSigma(plan));
        for (int i = 0; i < plan.count(); i++) {
            double sigma = sigmas[i];
            float[] denoised = denoise(unet, schedule.config().prediction(), x, height, width, plan.timesteps()[i], sigma, conditioning, guidance);
            switch (sampler) {
                case EULER -> {
                    // x += (x - denoised) / sigma * (sigma_next - sigma)
                    double ratio = (sigmas[i + 1] - sigma) / sigma;
                    for (int j = 0; j < x.length; j++) x[j] = (float) (x[j] + (x[j] - denoised[j]) * ratio);
                }
            }
            progress.accept(i + 1);
        }
        return x;
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
