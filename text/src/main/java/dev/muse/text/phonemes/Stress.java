package dev.muse.text.phonemes;

/**
 * Stress marks in Kokoro's phoneme strings (misaki's conventions): primary ˈ and secondary ˌ stand right before the
 * stressed vowel. A word's stress is raised or lowered as the phonemizer needs: a capitalised word is said with more
 * weight, a function word in a compound with less.
 */
final class Stress {
    static final char PRIMARY = 'ˈ', SECONDARY = 'ˌ';
    static final String VOWELS = "AIOQWYaiuæɑɒɔəɛɜɪʊʌᵻ";
    static final String CONSONANTS = "bdfhjklmnpstvwzðŋɡɹɾʃʒʤʧθ";
    private static final String DIPHTHONGS = "AIOQWYʤʧ";

    private Stress() {}

    static boolean isVowel(char c) { return VOWELS.indexOf(c) >= 0; }

    static boolean hasStress(String ps) { return ps.indexOf(PRIMARY) >= 0 || ps.indexOf(SECONDARY) >= 0; }

    private static boolean hasVowel(String ps) {
        for (int i = 0; i < ps.length(); i++) if (isVowel(ps.charAt(i))) return true;
        return false;
    }

    /**
     * The phonemes with stress moved to {@code stress}: null leaves them; below -1 removes every mark; -1 (or 0 / -0.5
     * on a word with primary stress) makes primary secondary; 0 to 1 gives an unmarked word secondary stress; 1 or more
     * turns secondary into primary where there is no primary; above 1 gives an unmarked word primary stress.
     */
    static String apply(String ps, Double stress) {
        if (stress == null || ps == null) return ps;
        double s = stress;
        String primary = String.valueOf(PRIMARY), secondary = String.valueOf(SECONDARY);
        if (s < -1) return ps.replace(primary, "").replace(secondary, "");
        if (s == -1 || ((s == 0 || s == -0.5) && ps.contains(primary))) return ps.replace(secondary, "").replace(primary, secondary);
        if ((s == 0 || s == 0.5 || s == 1) && !hasStress(ps)) return hasVowel(ps) ? restress(SECONDARY + ps) : ps;
        if (s >= 1 && !ps.contains(primary) && ps.contains(secondary)) return ps.replace(secondary, primary);
        if (s > 1 && !hasStress(ps)) return hasVowel(ps) ? restress(PRIMARY + ps) : ps;
        return ps;
    }

    /** Each stress mark moved to just before the first vowel at or after it. */
    private static String restress(String ps) {
        StringBuilder out = new StringBuilder(ps.length());
        StringBuilder pending = new StringBuilder();
        for (int i = 0; i < ps.length(); i++) {
            char c = ps.charAt(i);
            if (c == PRIMARY || c == SECONDARY) {
                pending.append(c);
                continue;
            }
            if (isVowel(c)) {
                out.append(pending);
                pending.setLength(0);
            }
            out.append(c);
        }
        return out.append(pending).toString();
    }

    /** How much a word's phonemes weigh when a compound's stresses are balanced: diphthongs and affricates count double. */
    static int weight(String ps) {
        if (ps == null) return 0;
        int w = 0;
        for (int i = 0; i < ps.length(); i++) w += DIPHTHONGS.indexOf(ps.charAt(i)) >= 0 ? 2 : 1;
        return w;
    }
}
