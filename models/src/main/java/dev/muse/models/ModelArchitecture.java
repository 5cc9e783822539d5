package dev.muse.models;

import dev.muse.formats.gguf.GgufFile;
import java.util.Set;

/**
 * One model family, registered through ServiceLoader (META-INF/services): adding an architecture means
 * adding a package, never editing a central switch.
 */
public interface ModelArchitecture {
    /** GGUF general.architecture values this family loads. */
    Set<String> names();

    LanguageModel load(GgufFile file);
}
