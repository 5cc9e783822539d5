package dev.muse.models;

import dev.muse.engine.Ops;
import dev.muse.formats.TensorSource;
import java.util.Set;

/**
 * One model family, registered through ServiceLoader (META-INF/services): adding an architecture means
 * adding a package, never editing a central switch.
 */
public interface ModelArchitecture {
    /** The general.architecture values this family loads. */
    Set<String> names();

    /**
     * The model in {@code source}: its config from the source's metadata, its weights as views of its tensors (or
     * copies laid out for {@code ops}), computing with {@code ops}.
     */
    Model load(TensorSource source, Ops ops);
}
