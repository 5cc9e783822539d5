package dev.muse.safety;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What an image safety classifier's probabilities come to, as a verdict the same policies read as Llama Guard's. nsfwjs'
 * classes are Drawing, Hentai, Neutral, Porn and Sexy; the explicit ones (Porn and Hentai) together at or above
 * {@link #THRESHOLD} make the picture unsafe under S12 Sexual Content. "Sexy" (suggestive, not explicit) alone does not.
 */
public final class ImageSafety {
    /** Where the explicit classes' summed probability makes a picture unsafe: the more likely reading wins. */
    public static final double THRESHOLD = 0.5;

    private ImageSafety() {}

    /** The probability that the picture is sexually explicit: its explicit classes' sum. */
    public static double explicit(List<String> labels, float[] probabilities) {
        if (labels.size() != probabilities.length) throw new IllegalArgumentException(labels.size() + " labels for " + probabilities.length + " probabilities");
        double sum = 0;
        for (int i = 0; i < labels.size(); i++) if (labels.get(i).equals("Porn") || labels.get(i).equals("Hentai")) sum += probabilities[i];
        return Math.min(1, sum);
    }

    /** The verdict for a picture the classifier scored {@code probabilities} (one per label). */
    public static GuardVerdict verdict(List<String> labels, float[] probabilities) {
        double explicit = explicit(labels, probabilities);
        String scores = String.format(Locale.ROOT, "explicit %.4f", explicit);
        return explicit >= THRESHOLD ? new GuardVerdict(false, Set.of(Hazard.S12), explicit, true, "unsafe\nS12 (" + scores + ")")
                : new GuardVerdict(true, Set.of(), explicit, true, "safe (" + scores + ")");
    }
}
