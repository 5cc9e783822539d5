package dev.muse.runtime;

import dev.muse.safety.SafetyPolicy;

/**
 * How the pictures of one drawing are screened by the image safety classifier: under {@code policy}, a picture it blocks
 * is blurred past recognition (the policy's default) or withheld, failing the drawing with a
 * {@link ContentPolicyException}; {@code onFlag} hears every verdict that is not allowed (to record it), with the action
 * taken.
 */
public record ImageScreen(SafetyPolicy policy, Listener onFlag) {
    @FunctionalInterface
    public interface Listener {
        void flagged(ImageVerdict verdict, SafetyPolicy.Action action);
    }

    /** Screening under the default policy (block, blurred), recording nothing. */
    public static final ImageScreen DEFAULT = new ImageScreen(SafetyPolicy.DEFAULT, (verdict, action) -> {});
}
