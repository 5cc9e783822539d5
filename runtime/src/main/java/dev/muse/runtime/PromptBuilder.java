package dev.muse.runtime;

import dev.muse.runtime.Prompt.Embedded;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Assembles a {@link Prompt} chunk by chunk: token runs and encoded images, in order. An image's rows get
 * placeholder ids derived from a digest of what it shows, so the same image in a later turn has the same
 * ids (and its cached keys and values are reused) while another image does not.
 */
final class PromptBuilder {
    private int[] tokens = new int[64];
    private int length;
    private final List<Embedded> embedded = new ArrayList<>();

    PromptBuilder tokens(int... ids) {
        ensure(ids.length);
        System.arraycopy(ids, 0, tokens, length, ids.length);
        length += ids.length;
        return this;
    }

    /**
     * Appends {@code rows} vectors (row-major, {@code vectors.length / rows} floats each) whose placeholders
     * derive from {@code identity}, bytes that determine the vectors (a digest of the pixels and which tile).
     */
    PromptBuilder vectors(float[] vectors, int rows, boolean bidirectional, byte[] identity) {
        int seed = ByteBuffer.wrap(sha256(identity)).getInt();
        ensure(rows);
        for (int r = 0; r < rows; r++) tokens[length + r] = -1 - ((seed + r * 0x9E3779B1) & 0x3FFFFFFF);
        embedded.add(new Embedded(length, rows, vectors, bidirectional));
        length += rows;
        return this;
    }

    Prompt build() {
        return new Prompt(Arrays.copyOf(tokens, length), embedded);
    }

    private void ensure(int more) {
        if (length + more > tokens.length) tokens = Arrays.copyOf(tokens, Math.max(tokens.length * 2, length + more));
    }

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) digest.update(p);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
