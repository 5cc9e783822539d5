package dev.muse.runtime;

import dev.muse.safety.GuardVerdict;
import java.util.List;

/**
 * What the image safety classifier found in one picture: its class probabilities and the verdict they come to
 * ({@link dev.muse.safety.ImageSafety}), which a {@link dev.muse.safety.SafetyPolicy} decides on as on Llama Guard's.
 */
public record ImageVerdict(String model, List<String> labels, float[] probabilities, GuardVerdict verdict) {}
