package dev.muse.text.template;

/**
 * The value of a name or key that does not exist. It is distinct from {@code null} (the template's
 * {@code none}): {@code x is defined} is false only for this marker, and it renders as nothing.
 */
public enum Undefined {
    VALUE;

    @Override
    public String toString() { return "undefined"; }
}
