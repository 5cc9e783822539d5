package dev.muse.models;

import java.util.function.Supplier;

/** Where a media encoder writes the rows of a prompt, in order: token ids and encoded vectors. */
public interface PromptSink {
    void tokens(int... ids);

    /**
     * Rows given as vectors ({@code rows x} the decoder's embedding length, row-major) in place of token
     * embeddings. {@code identity} is bytes that determine them (a digest of the pixels and which tile):
     * the sink may reuse vectors it already holds for the same identity instead of calling {@code encode}.
     * A {@code bidirectional} span's rows attend to each other both ways (Gemma 3's images).
     */
    void vectors(byte[] identity, boolean bidirectional, Supplier<float[]> encode);
}
