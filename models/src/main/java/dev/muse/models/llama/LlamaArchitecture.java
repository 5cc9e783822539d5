package dev.muse.models.llama;

import dev.muse.engine.Ops;
import dev.muse.formats.TensorSource;
import dev.muse.models.Model;
import dev.muse.models.ModelArchitecture;
import java.util.Set;

/** Registers the Llama family: Llama 2/3.x, SmolLM2 and Mistral (all "llama" in GGUF), Qwen2.5 and Qwen3. */
public final class LlamaArchitecture implements ModelArchitecture {
    @Override public Set<String> names() { return Set.of("llama", "mistral", "qwen2", "qwen3"); }

    @Override public Model load(TensorSource source, Ops ops) { return Llama.load(source, ops); }
}
