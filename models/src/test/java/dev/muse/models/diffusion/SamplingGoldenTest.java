package dev.muse.models.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Ops;
import dev.muse.models.diffusion.SchedulerConfig.Prediction;
import dev.muse.models.diffusion.SchedulerConfig.Spacing;
import dev.muse.testkit.Nmse;
import dev.muse.testkit.TinyUNet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Whole Euler runs against diffusers v0.25.1's EulerDiscreteScheduler driving the same tiny UNets from the same initial
 * noise (golden/euler/README.md): SD 1.x's 4 leading steps with guidance 7.5, a Turbo-style single trailing step without
 * guidance, 3 linspace steps with guidance 3 on F16 weights, and SD 2.x's v-prediction with 4 steps. The bar for
 * final latents is NMSE 1e-3; measured far below, so the bar here is 1e-8.
 */
class SamplingGoldenTest {
    @TempDir static Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"sd1-leading-4-g7.5, SD1, F32, LEADING, 1, 4, 7.5, EPSILON",
            "sd1-trailing-1-g0, SD1, F32, TRAILING, 1, 1, 0, EPSILON",
            "sd1-linspace-3-g3, SD1, F16, LINSPACE, 0, 3, 3, EPSILON",
            "sd2-leading-4-g7.5-v, SD2, F32, LEADING, 1, 4, 7.5, V_PREDICTION"})
    void eulerRunsEndWhereDiffusersEnds(String name, String shape, GgmlType type, Spacing spacing, int offset, int steps, double guidance,
                                        Prediction prediction) throws IOException {
        TinyUNet tiny = new TinyUNet(shape.equals("SD1") ? TinyUNet.Shape.SD1 : TinyUNet.Shape.SD2, type, 1);
        try (UNet unet = UNet.load(tiny.write(dir.resolve(name)), Ops.cpu())) {
            SchedulerConfig config = new SchedulerConfig(1000, 0.00085, 0.012, SchedulerConfig.BetaSchedule.SCALED_LINEAR, prediction, spacing, offset);
            float[] noise = VaeGoldenTest.channelsLast(VaeGoldenTest.goldenIn("euler", "noise-8x8"), 4, 8, 8);
            var conditioning = new Sampling.Conditioning(UNetGoldenTest.context(77, 64), negative(77, 64), 77);
            List<Integer> progress = new ArrayList<>();
            float[] latents = Sampling.run(unet, new NoiseSchedule(config), Sampling.Sampler.EULER, steps, noise, 8, 8, conditioning, guidance, (step, denoised) -> progress.add(step));
            assertEquals(steps, progress.size());
            assertEquals(steps, progress.getLast());
            float[] expected = VaeGoldenTest.channelsLast(VaeGoldenTest.goldenIn("euler", name), 4, 8, 8);
            double nmse = Nmse.of(expected, latents);
            System.out.printf("%s: NMSE %.2e%n", name, nmse);
            assertTrue(nmse < 1e-8, name + ": NMSE " + nmse + " against diffusers' Euler run");
        }
    }

    /**
     * LCM runs against diffusers v0.25.1's LCMScheduler driving the SD 1.x UNet from the same noise, with the same fresh
     * noise after each step but the last (golden/euler/README.md): 4 steps with guidance 1.5, one step, and 3 steps of a
     * 20-step distillation with v-prediction.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"lcm-4-g1.5, 4, 1.5, 50, EPSILON, 3", "lcm-1-g0, 1, 0, 50, EPSILON, 0", "lcm-3-g0-orig20-v, 3, 0, 20, V_PREDICTION, 2"})
    void lcmRunsEndWhereDiffusersEnds(String name, int steps, double guidance, int original, Prediction prediction, int noiseDrawn)
            throws IOException {
        TinyUNet tiny = new TinyUNet(TinyUNet.Shape.SD1, GgmlType.F32, 1);
        try (UNet unet = UNet.load(tiny.write(dir.resolve(name)), Ops.cpu())) {
            SchedulerConfig config = new SchedulerConfig(1000, 0.00085, 0.012, SchedulerConfig.BetaSchedule.SCALED_LINEAR, prediction,
                    Spacing.LEADING, 0, original, 10);
            float[] noise = VaeGoldenTest.channelsLast(VaeGoldenTest.goldenIn("euler", "noise-8x8"), 4, 8, 8);
            float[] stepNoise = VaeGoldenTest.goldenIn("euler", "step-noise-5x8x8");
            int[] drawn = {0};
            Sampling.Noise fresh = length -> VaeGoldenTest.channelsLast(
                    java.util.Arrays.copyOfRange(stepNoise, drawn[0] * length, ++drawn[0] * length), 4, 8, 8);
            var conditioning = new Sampling.Conditioning(UNetGoldenTest.context(77, 64), negative(77, 64), 77);
            float[] latents = Sampling.run(unet, new NoiseSchedule(config), Sampling.Sampler.LCM, steps, noise, 8, 8, conditioning, guidance,
                    (s, d) -> {}, fresh, null);
            float[] expected = VaeGoldenTest.channelsLast(VaeGoldenTest.goldenIn("euler", name), 4, 8, 8);
            double nmse = Nmse.of(expected, latents);
            System.out.printf("%s: NMSE %.2e%n", name, nmse);
            assertTrue(nmse < 1e-8, name + ": NMSE " + nmse + " against diffusers' LCM run");
            assertEquals(noiseDrawn, drawn[0], "fresh noise after every step but the last");
        }
    }

    /**
     * An LCM-distilled UNet (time_cond_proj_dim) as diffusers' LatentConsistencyModelPipeline runs it: the guidance scale
     * as an embedding of w = g - 1 given to the UNet, one call per step, no classifier-free guidance; 4 LCM steps, g = 8.
     */
    @Test
    void lcmDistilledUNetsTakeGuidanceAsAnEmbedding() throws IOException {
        TinyUNet tiny = new TinyUNet(TinyUNet.Shape.SD1_LCM, GgmlType.F32, 1);
        try (UNet unet = UNet.load(tiny.write(dir.resolve("lcm-distilled")), Ops.cpu())) {
            // angles up to 7000 radians: one float ulp of PyTorch's exp (not always correctly rounded) moves a sine by up to 4e-4
            assertArrayEquals(VaeGoldenTest.goldenIn("euler", "lcm-w-embedding-g8"), unet.guidanceEmbedding(8), 5e-4f);
            float[] noise = VaeGoldenTest.channelsLast(VaeGoldenTest.goldenIn("euler", "noise-8x8"), 4, 8, 8);
            float[] stepNoise = VaeGoldenTest.goldenIn("euler", "step-noise-5x8x8");
            int[] drawn = {0};
            Sampling.Noise fresh = length -> VaeGoldenTest.channelsLast(
                    java.util.Arrays.copyOfRange(stepNoise, drawn[0] * length, ++drawn[0] * length), 4, 8, 8);
            var conditioning = new Sampling.Conditioning(UNetGoldenTest.context(77, 64), null, 77); // no negative prompt: one call a step
            float[] latents = Sampling.run(unet, new NoiseSchedule(SchedulerConfig.SD), Sampling.Sampler.LCM, 4, noise, 8, 8, conditioning, 8,
                    (s, d) -> {}, fresh, null);
            double nmse = Nmse.of(VaeGoldenTest.channelsLast(VaeGoldenTest.goldenIn("euler", "lcm-distilled-4-g8"), 4, 8, 8), latents);
            System.out.printf("lcm-distilled-4-g8: NMSE %.2e%n", nmse);
            assertTrue(nmse < 1e-8, "NMSE " + nmse + " against diffusers' LCM pipeline");
        }
    }

    /** LCMScheduler's timesteps: the distillation's steps from the last, taken at evenly spaced indices. */
    @Test
    void lcmTimestepsAreDiffusers() {
        NoiseSchedule sd = new NoiseSchedule(SchedulerConfig.SD);
        assertArrayEquals(new double[] {999, 759, 499, 259}, sd.lcm(4, 50).timesteps());
        assertArrayEquals(new double[] {999}, sd.lcm(1, 50).timesteps());
        assertArrayEquals(new double[] {999, 699, 349}, sd.lcm(3, 20).timesteps());
        assertEquals(0, sd.lcm(4, 50).sigmas()[4]);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> sd.lcm(51, 50));
    }

    /**
     * k-diffusion's samplers (crowsonkb/k-diffusion 4601bf0, as AUTOMATIC1111 runs them) on the SD 1.x UNet with guidance
     * 7.5 over 5 steps, from the same noise (and, for Euler ancestral, the same noise at each step): golden/euler/README.md.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"euler-a-5-g7.5, EULER_ANCESTRAL", "dpmpp-2m-karras-5-g7.5, DPMPP_2M_KARRAS"})
    void kDiffusionSamplersEndWhereKDiffusionEnds(String name, Sampling.Sampler sampler) throws IOException {
        TinyUNet tiny = new TinyUNet(TinyUNet.Shape.SD1, GgmlType.F32, 1);
        try (UNet unet = UNet.load(tiny.write(dir.resolve("k-" + name)), Ops.cpu())) {
            float[] noise = VaeGoldenTest.channelsLast(VaeGoldenTest.goldenIn("euler", "noise-8x8"), 4, 8, 8);
            float[] steps = VaeGoldenTest.goldenIn("euler", "step-noise-5x8x8");
            int[] drawn = {0};
            Sampling.Noise stepNoise = length -> {
                float[] chw = java.util.Arrays.copyOfRange(steps, drawn[0] * length, (drawn[0] + 1) * length);
                drawn[0]++;
                return VaeGoldenTest.channelsLast(chw, 4, 8, 8);
            };
            var conditioning = new Sampling.Conditioning(UNetGoldenTest.context(77, 64), negative(77, 64), 77);
            float[] latents = Sampling.run(unet, new NoiseSchedule(SchedulerConfig.SD), sampler, 5, noise, 8, 8, conditioning, 7.5, (s, d) -> {}, stepNoise, null);
            float[] expected = VaeGoldenTest.channelsLast(VaeGoldenTest.goldenIn("euler", name), 4, 8, 8);
            double nmse = Nmse.of(expected, latents);
            System.out.printf("%s: NMSE %.2e%n", name, nmse);
            assertTrue(nmse < 1e-8, name + ": NMSE " + nmse + " against k-diffusion's run");
            if (sampler == Sampling.Sampler.EULER_ANCESTRAL) assertEquals(4, drawn[0], "fresh noise after every step but the last");
        }
    }

    /**
     * Image edits against the denoising loops of diffusers' img2img and (4-channel) inpainting pipelines on Euler's
     * leading schedule with guidance 7.5, from the same image latents and noise (golden/edit/README.md): strength 0.5 of
     * 4 steps and 0.7 of 5 run 2 and 3 steps; inpainting at 0.75 and at full strength (from pure noise) keeps the unmasked
     * latents as the image noised to each step's level.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"img2img-4-s0.5-g7.5, 4, 0.5, false, 2", "img2img-5-s0.7-g7.5, 5, 0.7, false, 3",
            "inpaint-4-s0.75-g7.5, 4, 0.75, true, 3", "inpaint-4-s1-g7.5, 4, 1, true, 4"})
    void editsEndWhereDiffusersEnds(String name, int steps, double strength, boolean masked, int run) throws IOException {
        TinyUNet tiny = new TinyUNet(TinyUNet.Shape.SD1, GgmlType.F32, 1);
        try (UNet unet = UNet.load(tiny.write(dir.resolve("edit-" + name)), Ops.cpu())) {
            float[] noise = VaeGoldenTest.channelsLast(VaeGoldenTest.goldenIn("euler", "noise-8x8"), 4, 8, 8);
            float[] image = VaeGoldenTest.channelsLast(VaeGoldenTest.goldenIn("edit", "image-latents-8x8"), 4, 8, 8);
            float[] mask = null;
            if (masked) { // the left 5 columns and the bottom 2 rows are redrawn
                mask = new float[64];
                for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) mask[y * 8 + x] = x < 5 || y >= 6 ? 1 : 0;
            }
            var conditioning = new Sampling.Conditioning(UNetGoldenTest.context(77, 64), negative(77, 64), 77);
            List<Integer> progress = new ArrayList<>();
            float[] latents = Sampling.run(unet, new NoiseSchedule(SchedulerConfig.SD), Sampling.Sampler.EULER, steps, noise, 8, 8, conditioning, 7.5,
                    (step, denoised) -> progress.add(step), null, new Sampling.Edit(image, mask, strength));
            assertEquals(run, progress.size(), "steps run");
            float[] expected = VaeGoldenTest.channelsLast(VaeGoldenTest.goldenIn("edit", name), 4, 8, 8);
            double nmse = Nmse.of(expected, latents);
            System.out.printf("%s: NMSE %.2e%n", name, nmse);
            assertTrue(nmse < 1e-8, name + ": NMSE " + nmse + " against diffusers' loop");
            if (masked) {
                for (int p = 0; p < 64; p++)
                    if (mask[p] == 0) for (int c = 0; c < 4; c++) assertEquals(image[p * 4 + c], latents[p * 4 + c], 0, "kept latent " + p);
            }
        }
    }

    /**
     * An inpainting UNet (9 input channels) as diffusers' inpainting pipeline runs it: the mask and the masked image's
     * latents beside the scaled latents at every step, nothing put back after a step (golden/edit/README.md).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"inpaint9-4-s1-g7.5, 1, 4", "inpaint9-4-s0.75-g7.5, 0.75, 3"})
    void anInpaintingUnetEndsWhereDiffusersEnds(String name, double strength, int run) throws IOException {
        TinyUNet tiny = new TinyUNet(TinyUNet.Shape.SD1, GgmlType.F32, 1).inpainting();
        try (UNet unet = UNet.load(tiny.write(dir.resolve("edit-" + name)), Ops.cpu())) {
            assertEquals(9, unet.config().inChannels());
            float[] noise = VaeGoldenTest.channelsLast(VaeGoldenTest.goldenIn("euler", "noise-8x8"), 4, 8, 8);
            float[] image = VaeGoldenTest.channelsLast(VaeGoldenTest.goldenIn("edit", "image-latents-8x8"), 4, 8, 8);
            float[] masked = VaeGoldenTest.channelsLast(VaeGoldenTest.goldenIn("edit", "masked-image-latents-8x8"), 4, 8, 8);
            float[] mask = new float[64];
            for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) mask[y * 8 + x] = x < 5 || y >= 6 ? 1 : 0;
            var conditioning = new Sampling.Conditioning(UNetGoldenTest.context(77, 64), negative(77, 64), 77);
            List<Integer> progress = new ArrayList<>();
            float[] latents = Sampling.run(unet, new NoiseSchedule(SchedulerConfig.SD), Sampling.Sampler.EULER, 4, noise, 8, 8, conditioning, 7.5,
                    (step, denoised) -> progress.add(step), null, new Sampling.Edit(image, mask, strength, Sampling.besides(mask, masked, 64)));
            assertEquals(run, progress.size(), "steps run");
            double nmse = Nmse.of(VaeGoldenTest.channelsLast(VaeGoldenTest.goldenIn("edit", name), 4, 8, 8), latents);
            System.out.printf("%s: NMSE %.2e%n", name, nmse);
            assertTrue(nmse < 1e-8, name + ": NMSE " + nmse + " against diffusers' loop");
        }
    }

    @Test
    void kDiffusionSchedulesAreKDiffusions() throws IOException {
        NoiseSchedule schedule = new NoiseSchedule(SchedulerConfig.SD);
        float[] discrete = VaeGoldenTest.goldenIn("euler", "sigmas-discrete-5"), karras = VaeGoldenTest.goldenIn("euler", "sigmas-karras-5");
        double[] ours = schedule.discrete(5).sigmas(), oursKarras = schedule.karras(5).sigmas();
        for (int i = 0; i < 6; i++) {
            assertEquals(discrete[i], ours[i], 2e-6 * Math.max(1, discrete[i]), "discrete sigma " + i);
            assertEquals(karras[i], oursKarras[i], 2e-6 * Math.max(1, karras[i]), "karras sigma " + i);
        }
        // k-diffusion's sigma_to_t at 14.6146, 3.0, 0.5 and 0.0292
        double[] t = {998.99951171875, 673.1553955078125, 169.31460571289062, 0.0031952885910868645};
        double[] sigma = {14.6146, 3.0, 0.5, 0.0292};
        for (int i = 0; i < 4; i++) assertEquals(t[i], schedule.timestepOf(sigma[i]), 2e-3, "timestep of sigma " + sigma[i]);
    }

    @Test
    void timestepsAndSigmasAreDiffusers() {
        // diffusers' EulerDiscreteScheduler(SD's betas).set_timesteps(n): timesteps, and init_noise_sigma
        NoiseSchedule leading = new NoiseSchedule(SchedulerConfig.SD);
        NoiseSchedule.Steps four = leading.steps(4);
        assertArrayEquals(new double[] {751, 501, 251, 1}, four.timesteps());
        // within float32's accumulation over 1000 products (torch's cumprod sums its rounding differently)
        assertEquals(4.236413478851318, leading.initNoiseSigma(four), 4.24 * 2e-6);
        NoiseSchedule trailing = new NoiseSchedule(new SchedulerConfig(1000, 0.00085, 0.012, SchedulerConfig.BetaSchedule.SCALED_LINEAR,
                Prediction.EPSILON, Spacing.TRAILING, 1));
        assertArrayEquals(new double[] {999}, trailing.steps(1).timesteps());
        assertEquals(14.614645004272461, trailing.initNoiseSigma(trailing.steps(1)), 14.6 * 2e-6);
        // numpy's round-half-to-even: 1000 - 3 * 62.5 = 812.5 -> 812
        assertEquals(811, trailing.steps(16).timesteps()[3]);
        NoiseSchedule linspace = new NoiseSchedule(new SchedulerConfig(1000, 0.00085, 0.012, SchedulerConfig.BetaSchedule.SCALED_LINEAR,
                Prediction.EPSILON, Spacing.LINSPACE, 0));
        assertArrayEquals(new double[] {999, 499.5, 0}, linspace.steps(3).timesteps());
        assertEquals(0, linspace.steps(3).sigmas()[3]);
    }

    /** The golden script's negative-prompt states: cos(0.2t + 0.3d). */
    static float[] negative(int tokens, int dim) {
        float[] out = new float[tokens * dim];
        for (int t = 0; t < tokens; t++) for (int d = 0; d < dim; d++) out[t * dim + d] = (float) Math.cos(0.2 * t + 0.3 * d);
        return out;
    }
}
