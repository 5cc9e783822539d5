package dev.muse.models;

import java.util.Optional;

/**
 * A loaded model of some architecture. What it can do is the capabilities it offers, small interfaces such
 * as {@link Decoder} and {@link Embedder} (later: encoders, denoisers, vocoders, classifiers): a caller asks
 * with {@link #as} rather than assuming a shape.
 */
public interface Model {
    /** The architecture name its file gives, e.g. "llama", "qwen3" or "gemma3". */
    String architecture();

    /** This model as {@code capability}, if it has it. */
    default <T> Optional<T> as(Class<T> capability) {
        return capability.isInstance(this) ? Optional.of(capability.cast(this)) : Optional.empty();
    }
}
