package dev.muse.models.diffusion;

import dev.muse.formats.FormatException;
import dev.muse.formats.JsonConfig;

/**
 * The noise schedule a diffusion model was trained with and how its sampling steps are spaced, from a diffusers
 * {@code scheduler/scheduler_config.json} (whatever scheduler class it names: they share these fields). Muse's samplers
 * all work on the sigmas this schedule gives.
 */
public record SchedulerConfig(int trainSteps, double betaStart, double betaEnd, BetaSchedule betaSchedule, Prediction prediction,
                              Spacing spacing, int stepsOffset, int originalSteps, double timestepScaling) {
    public enum BetaSchedule { LINEAR, SCALED_LINEAR }

    /** What the model predicts: the noise, or v (SD 2.x's 768 models). */
    public enum Prediction { EPSILON, V_PREDICTION }

    /** diffusers' timestep_spacing (Table 2 of arXiv:2305.08891). */
    public enum Spacing { LEADING, TRAILING, LINSPACE }

    /** Stable Diffusion 1.x's schedule as its scheduler config gives it. */
    public static final SchedulerConfig SD = new SchedulerConfig(1000, 0.00085, 0.012, BetaSchedule.SCALED_LINEAR, Prediction.EPSILON, Spacing.LEADING, 1);

    /** With LCMScheduler's defaults for its own two fields (50 original steps, timestep scaling 10). */
    public SchedulerConfig(int trainSteps, double betaStart, double betaEnd, BetaSchedule betaSchedule, Prediction prediction,
                           Spacing spacing, int stepsOffset) {
        this(trainSteps, betaStart, betaEnd, betaSchedule, prediction, spacing, stepsOffset, 50, 10);
    }

    public SchedulerConfig {
        if (trainSteps < 2 || trainSteps > 100_000) throw new FormatException("num_train_timesteps " + trainSteps + " is out of range");
        if (!(betaStart > 0 && betaEnd > betaStart && betaEnd < 1)) throw new FormatException("betas " + betaStart + ".." + betaEnd + " are not a schedule");
    }

    public static SchedulerConfig from(JsonConfig c) {
        if (c.has("trained_betas")) throw new FormatException(c.where() + ": trained_betas are not read");
        if (c.bool("rescale_betas_zero_snr", false)) throw new FormatException(c.where() + ": rescale_betas_zero_snr is not read");
        BetaSchedule betas = switch (c.string("beta_schedule", "linear")) {
            case "linear" -> BetaSchedule.LINEAR;
            case "scaled_linear" -> BetaSchedule.SCALED_LINEAR;
            default -> throw new FormatException(c.where() + ": beta_schedule " + c.string("beta_schedule", "") + " is not read (linear, scaled_linear)");
        };
        Prediction prediction = switch (c.string("prediction_type", "epsilon")) {
            case "epsilon" -> Prediction.EPSILON;
            case "v_prediction" -> Prediction.V_PREDICTION;
            default -> throw new FormatException(c.where() + ": prediction_type " + c.string("prediction_type", "") + " is not read (epsilon, v_prediction)");
        };
        Spacing spacing = switch (c.string("timestep_spacing", "leading")) {
            case "leading" -> Spacing.LEADING;
            case "trailing" -> Spacing.TRAILING;
            case "linspace" -> Spacing.LINSPACE;
            default -> throw new FormatException(c.where() + ": timestep_spacing " + c.string("timestep_spacing", "") + " is not read");
        };
        if (c.bool("thresholding", false)) throw new FormatException(c.where() + ": thresholding is not read");
        if (c.string("_class_name", "").equals("LCMScheduler") && c.bool("clip_sample", false))
            throw new FormatException(c.where() + ": clip_sample is not read");
        return new SchedulerConfig(c.integer("num_train_timesteps", 2, 100_000), c.number("beta_start", 0.0001), c.number("beta_end", 0.02),
                betas, prediction, spacing, c.integer("steps_offset", 0, 1000), c.has("original_inference_steps") ? c.integer("original_inference_steps", 1, 100_000) : 50,
                c.number("timestep_scaling", 10));
    }
}
