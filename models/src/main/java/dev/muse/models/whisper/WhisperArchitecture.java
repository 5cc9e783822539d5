package dev.muse.models.whisper;

import dev.muse.engine.Ops;
import dev.muse.formats.TensorSource;
import dev.muse.formats.ggml.WhisperGgmlFile;
import dev.muse.models.Model;
import dev.muse.models.ModelArchitecture;
import java.util.Set;

/** Registers Whisper (whisper.cpp's ggml model files) with {@link dev.muse.models.Models}. */
public final class WhisperArchitecture implements ModelArchitecture {
    @Override public Set<String> names() { return Set.of(WhisperGgmlFile.ARCH); }

    @Override public Model load(TensorSource source, Ops ops) { return Whisper.load(source, ops); }
}
