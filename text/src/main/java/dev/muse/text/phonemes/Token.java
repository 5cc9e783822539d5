package dev.muse.text.phonemes;

/**
 * A word or mark of the text as the phonemizer works on it (misaki's MToken): its text, part-of-speech tag, the
 * whitespace after it, and what is decided for it on the way: its phonemes, how sure the lexicon was (rating, 5 for a
 * pronunciation the text gave), whether it starts a word, a stress or number reading the text asked for, the
 * currency it is an amount of.
 */
final class Token {
    String text, tag, whitespace, phonemes;
    Integer rating;
    boolean head = true, prespace;
    String alias, currency, numFlags = "";
    Double stress;

    Token(String text, String tag, String whitespace) {
        this.text = text;
        this.tag = tag;
        this.whitespace = whitespace;
    }

    /** A copy with another text and no whitespace, keeping what the text asked for (number flags, stress). */
    Token part(String partText) {
        Token t = new Token(partText, tag, "");
        t.numFlags = numFlags;
        t.stress = stress;
        return t;
    }

    @Override public String toString() { return text + "/" + tag + (phonemes == null ? "" : "=" + phonemes); }
}
