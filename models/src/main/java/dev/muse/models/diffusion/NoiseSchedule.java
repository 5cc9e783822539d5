package dev.muse.models.diffusion;

/**
 * A trained noise schedule turned into what samplers step through: for n steps, the timesteps the model is called at and
 * the noise level (sigma) of each, then a final 0 — as diffusers' Euler-family schedulers compute them (betas and their
 * cumulative product in float32, sigma = sqrt((1 - alphā) / alphā) interpolated linearly at each timestep).
 */
public final class NoiseSchedule {
    private final SchedulerConfig config;
    private final double[] trainSigmas;

    public NoiseSchedule(SchedulerConfig config) {
        this.config = config;
        int n = config.trainSteps();
        trainSigmas = new double[n];
        float cumulative = 1f;
        for (int i = 0; i < n; i++) {
            double fraction = (double) i / (n - 1);
            float beta = switch (config.betaSchedule()) {
                case LINEAR -> (float) (config.betaStart() + fraction * (config.betaEnd() - config.betaStart()));
                case SCALED_LINEAR -> {
                    float root = (float) (Math.sqrt(config.betaStart()) + fraction * (Math.sqrt(config.betaEnd()) - Math.sqrt(config.betaStart())));
                    yield root * root;
                }
            };
            cumulative *= 1f - beta;
            trainSigmas[i] = (float) Math.sqrt((1f - cumulative) / cumulative);
        }
    }

    public SchedulerConfig config() { return config; }

    /** The steps of one run: the model's timestep at each, and sigmas (one more than timesteps, the last 0). */
    public record Steps(double[] timesteps, double[] sigmas) {
        public int count() { return timesteps.length; }
    }

    public Steps steps(int count) {
        int n = config.trainSteps();
        if (count < 1 || count > n) throw new IllegalArgumentException("steps must be 1 to " + n + ", got " + count);
        double[] timesteps = new double[count];
        for (int i = 0; i < count; i++) {
            timesteps[i] = switch (config.spacing()) {
                case LINSPACE -> (float) ((double) (n - 1) * (count - 1 - i) / Math.max(1, count - 1));
                // numpy rounds halves to even, as Math.rint does
                case LEADING -> Math.rint((double) (count - 1 - i) * (n / count)) + config.stepsOffset();
                case TRAILING -> Math.rint(n - (double) i * n / count) - 1;
            };
        }
        double[] sigmas = new double[count + 1];
        for (int i = 0; i < count; i++) sigmas[i] = (float) sigmaAt(timesteps[i]);
        return new Steps(timesteps, sigmas);
    }

    /** Linear interpolation of the trained sigmas at a (fractional) timestep, clamped at both ends, as np.interp. */
    double sigmaAt(double t) {
        if (t <= 0) return trainSigmas[0];
        if (t >= trainSigmas.length - 1) return trainSigmas[trainSigmas.length - 1];
        int i = (int) Math.floor(t);
        double f = t - i;
        return trainSigmas[i] + f * (trainSigmas[i + 1] - trainSigmas[i]);
    }

    /**
     * Latent consistency models' schedule, as diffusers' LCMScheduler sets it: the distillation's {@code original} steps
     * (every trainSteps / original-th timestep, ending at k - 1) from the last, {@code count} of them at evenly spaced
     * indices (floored); each sigma that timestep's own, then 0.
     */
    public Steps lcm(int count, int original) {
        int n = config.trainSteps();
        if (original < 1 || original > n) throw new IllegalArgumentException("original_inference_steps must be 1 to " + n + ", got " + original);
        if (count < 1 || count > original)
            throw new IllegalArgumentException("steps must be 1 to " + original + " (the distillation's original steps) with LCM, got " + count);
        int k = n / original;
        double[] timesteps = new double[count], sigmas = new double[count + 1];
        for (int i = 0; i < count; i++) {
            int index = (int) Math.floor((double) i * original / count); // np.linspace(0, original, count, endpoint=False)
            timesteps[i] = (double) (original - index) * k - 1;
            sigmas[i] = trainSigmas[(int) timesteps[i]];
        }
        return new Steps(timesteps, sigmas);
    }

    /**
     * k-diffusion's discrete schedule (AUTOMATIC1111's default for its k-samplers): n timesteps evenly from the last
     * trained one to 0, each sigma interpolated in log-sigma, then 0; each step's timestep is its fractional t.
     */
    public Steps discrete(int count) {
        int n = config.trainSteps();
        if (count < 2 || count > n) throw new IllegalArgumentException("steps must be 2 to " + n + " on this schedule, got " + count);
        double[] timesteps = new double[count], sigmas = new double[count + 1];
        for (int i = 0; i < count; i++) {
            float t = (float) ((n - 1) - (double) (n - 1) * i / (count - 1));
            int low = (int) Math.floor(t), high = (int) Math.ceil(t);
            float w = t - low;
            timesteps[i] = t;
            sigmas[i] = (float) Math.exp((1 - w) * (float) Math.log(trainSigmas[low]) + w * (float) Math.log(trainSigmas[high]));
        }
        return new Steps(timesteps, sigmas);
    }

    /**
     * Karras et al.'s schedule (rho 7) between the smallest and largest trained sigmas, then 0; each step's timestep is
     * the sigma's place among the trained ones (k-diffusion's sigma_to_t).
     */
    public Steps karras(int count) {
        if (count < 2 || count > 1000) throw new IllegalArgumentException("steps must be 2 to 1000 on this schedule, got " + count);
        double rho = 7, min = trainSigmas[0], max = trainSigmas[trainSigmas.length - 1];
        double minInv = Math.pow(min, 1 / rho), maxInv = Math.pow(max, 1 / rho);
        double[] timesteps = new double[count], sigmas = new double[count + 1];
        for (int i = 0; i < count; i++) {
            double ramp = (double) i / (count - 1);
            sigmas[i] = (float) Math.pow(maxInv + ramp * (minInv - maxInv), rho);
            timesteps[i] = timestepOf(sigmas[i]);
        }
        return new Steps(timesteps, sigmas);
    }

    /** The fractional timestep whose sigma, interpolated in log-sigma between trained ones, is {@code sigma}. */
    double timestepOf(double sigma) {
        double log = Math.log(sigma);
        int low = 0;
        while (low < trainSigmas.length - 2 && Math.log(trainSigmas[low + 1]) <= log) low++;
        double lo = Math.log(trainSigmas[low]), hi = Math.log(trainSigmas[low + 1]);
        double w = Math.min(1, Math.max(0, (lo - log) / (lo - hi)));
        return (1 - w) * low + w * (low + 1);
    }

    /** What the first latents are scaled by: the largest sigma, or sqrt(sigma² + 1) with leading spacing (as diffusers). */
    public double initNoiseSigma(Steps steps) {
        double max = 0;
        for (double s : steps.sigmas()) max = Math.max(max, s);
        return config.spacing() == SchedulerConfig.Spacing.LEADING ? Math.sqrt(max * max + 1) : max;
    }
}
