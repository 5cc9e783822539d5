package dev.muse.models.gemma3;

import dev.muse.formats.gguf.GgufFile;
import dev.muse.models.LanguageModel;
import dev.muse.models.ModelArchitecture;
import java.util.Set;

/** Registers Gemma 3's text decoder (GGUF "gemma3": the 270M to 27B models, and the language half of the vision ones). */
public final class Gemma3Architecture implements ModelArchitecture {
    @Override public Set<String> names() { return Set.of(Gemma3Config.ARCH); }

    @Override public LanguageModel load(GgufFile file) { return Gemma3.load(file); }
}
