package dev.muse.server.store;

/**
 * A freshly made key. {@code secret} exists only in this object: the store keeps its SHA-256, so the
 * secret can be shown to the person once and never again.
 */
public record CreatedKey(ApiKey key, String secret) {
    @Override public String toString() { return "CreatedKey[" + key + ", secret hidden]"; }
}
