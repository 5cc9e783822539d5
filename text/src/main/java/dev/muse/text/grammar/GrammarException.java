package dev.muse.text.grammar;

/** A grammar (or a JSON schema turned into one) that cannot be used: the message says where and why. */
public final class GrammarException extends IllegalArgumentException {
    public GrammarException(String message) {
        super(message);
    }
}
