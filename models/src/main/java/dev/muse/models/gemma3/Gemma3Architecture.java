package dev.muse.models.gemma3;

import dev.muse.engine.Ops;
import dev.muse.formats.TensorSource;
import dev.muse.models.Model;
import dev.muse.models.ModelArchitecture;
import java.util.Set;

/** Registers Gemma 3's text decoder (GGUF "gemma3": the 270M to 27B models, and the language half of the vision ones). */
public final class Gemma3Architecture implements ModelArchitecture {
    @Override public Set<String> names() { return Set.of(Gemma3Config.ARCH); }

    @Override public Model load(TensorSource source, Ops ops) { return Gemma3.load(source, ops); }
}
