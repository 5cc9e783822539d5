package dev.muse.runtime;

import dev.muse.models.PromptSink;
import dev.muse.runtime.Prompt.Embedded;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Assembles a {@link Prompt} chunk by chunk: token runs and encoded images, in order. An image's rows get
 * placeholder ids derived from a digest of what it shows, so the same image in a later turn has the same
 * ids (and its cached keys and values are reused) while another image does not.
 */
final class PromptBuilder {
    private final int width;
    private int[] tokens = new int[64];
    private int length;
    private final List<Embedded> embedded = new ArrayList<>();

    /** @param width the decoder's embedding length: each vector row has this many floats */
    PromptBuilder(int width) { this.width = width; }

    PromptBuilder tokens(int... ids) {
        ensure(ids.length);
        System.arraycopy(ids, 0, tokens, length, ids.length);
        length += ids.length;
        return this;
    }

    /**
     * Appends rows of {@code width} floats whose placeholders derive from {@code identity}, bytes that determine
     * the vectors (a digest of the pixels and which tile).
     */
    PromptBuilder vectors(float[] vectors, boolean bidirectional, byte[] identity) {
        if (vectors.length == 0 || vectors.length % width != 0)
            throw new IllegalArgumentException("encoded rows of " + vectors.length + " floats do not divide into rows of " + width);
        int rows = vectors.length / width;
        int seed = ByteBuffer.wrap(sha256(identity)).getInt();
        ensure(rows);
        for (int r = 0; r < rows; r++) tokens[length + r] = -1 - ((seed + r * 0x9E3779B1) & 0x3FFFFFFF);
        embedded.add(new Embedded(length, rows, vectors, bidirectional));
        length += rows;
        return this;
    }

    /** This builder as a media encoder's sink, which finds encoded vectors through {@code cache} (identity, encode) -> vectors. */
    PromptSink withCache(BiFunction<byte[], Supplier<float[]>, float[]> cache) {
        return new PromptSink() {
            @Override public void tokens(int... ids) { PromptBuilder.this.tokens(ids); }

            @Override public void vectors(byte[] identity, boolean bidirectional, Supplier<float[]> encode) {
                PromptBuilder.this.vectors(cache.apply(identity, encode), bidirectional, identity);
            }
        };
    }

    Prompt build() {
        return new Prompt(Arrays.copyOf(tokens, length), embedded);
    }

    private void ensure(int more) {
        if (length + more > tokens.length) tokens = Arrays.copyOf(tokens, Math.max(tokens.length * 2, length + more));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
