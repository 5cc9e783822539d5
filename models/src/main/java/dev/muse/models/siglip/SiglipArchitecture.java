package dev.muse.models.siglip;

import dev.muse.engine.Ops;
import dev.muse.formats.TensorSource;
import dev.muse.models.Decoder;
import dev.muse.models.ImageEncoder;
import dev.muse.models.ProjectorArchitecture;
import dev.muse.text.Tokenizer;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** Registers the SigLIP towers of llama.cpp's mmproj files: SmolVLM / Idefics3 and Gemma 3. */
public final class SiglipArchitecture implements ProjectorArchitecture {
    @Override public Set<String> names() {
        return Arrays.stream(ProjectorType.values()).map(ProjectorType::ggufName).collect(Collectors.toSet());
    }

    @Override public ImageEncoder load(TensorSource mmproj, Decoder decoder, Tokenizer tokenizer, Ops ops) {
        return SiglipImages.load(mmproj, decoder, tokenizer, ops);
    }
}
