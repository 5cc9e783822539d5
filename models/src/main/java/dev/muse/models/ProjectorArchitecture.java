package dev.muse.models;

import dev.muse.engine.Ops;
import dev.muse.formats.TensorSource;
import dev.muse.text.Tokenizer;
import java.util.Set;

/**
 * One family of media encoders, from llama.cpp "mmproj" files, registered through ServiceLoader like
 * {@link ModelArchitecture}: adding a projector means adding a package.
 */
public interface ProjectorArchitecture {
    /** The clip.projector_type values this family loads. */
    Set<String> names();

    /**
     * The encoder in {@code mmproj}, working for {@code decoder} with its {@code tokenizer} (whose control tokens
     * its prompt layout uses). Refuses, with an IllegalArgumentException, a projector made for a decoder of another
     * width or a vocabulary that lacks the tokens its layout needs. It computes with {@code ops}.
     */
    ImageEncoder load(TensorSource mmproj, Decoder decoder, Tokenizer tokenizer, Ops ops);
}
