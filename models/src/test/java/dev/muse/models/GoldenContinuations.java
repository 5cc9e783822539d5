package dev.muse.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.muse.text.Sampler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Greedy decoding with Muse and checks against golden continuations that a newer llama.cpp wrote (golden
 * files under test resources: '#' comments, then lines of a key and space-separated fields). A missing
 * file or line fails the test: goldens never skip.
 */
public final class GoldenContinuations {
    private GoldenContinuations() {}

    /** Muse's greedy tokens and the logits each was chosen from. */
    public record Run(int[] tokens, List<float[]> logits) {}

    /** The prompt as one batch, then one token at a time; keeps every step's logits. */
    public static Run greedy(Decoder model, int[] prompt, int n) {
        SequenceState cache = model.newState(prompt.length + n);
        return greedy(model, cache, model.forward(cache, prompt), n);
    }

    /** n greedy tokens continuing the sequence in {@code cache}, whose next-token logits are {@code logits}. */
    public static Run greedy(Decoder model, SequenceState cache, float[] logits, int n) {
        List<float[]> steps = new ArrayList<>();
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            steps.add(logits);
            tokens[i] = Sampler.argmax(logits);
            if (i + 1 < n) logits = model.forward(cache, new int[] {tokens[i]});
        }
        return new Run(tokens, steps);
    }

    /** Fails at the first token where Muse's greedy choice differs from the golden one, with both pieces and Muse's gap. */
    public static void assertSameTokens(String name, int[] expected, Run muse, String[] pieces) {
        assertEquals(expected.length, muse.tokens().length, name + ": number of tokens");
        for (int k = 0; k < expected.length; k++) {
            if (muse.tokens()[k] == expected[k]) continue;
            float[] logits = muse.logits().get(k);
            int ours = muse.tokens()[k], theirs = expected[k];
            fail(String.format("%s: greedy token %d of %d differs: Muse %d %s, llama.cpp %d %s; Muse's gap %.6f."
                            + "%n  golden %s%n  Muse   %s", name, k, expected.length, ours, quote(pieces[ours]),
                    theirs, quote(pieces[theirs]), logits[ours] - logits[theirs], Arrays.toString(expected), Arrays.toString(muse.tokens())));
        }
    }

    /** The golden file's lines, without comments and blank lines. */
    public static List<String> lines(String resource) throws IOException {
        try (InputStream in = GoldenContinuations.class.getResourceAsStream(resource)) {
            assertNotNull(in, "golden file " + resource + " is missing");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
        }
    }

    /** The fields after {@code key} on the first line that starts with it. */
    public static String[] fields(List<String> lines, String key) {
        String line = lines.stream().filter(l -> l.startsWith(key + " ")).findFirst().orElse(null);
        assertNotNull(line, "the golden file has no line '" + key + "'");
        return Arrays.copyOfRange(line.trim().split(" +"), 1, line.trim().split(" +").length);
    }

    /** Fields from {@code skip} on, as ids. */
    public static int[] ids(String[] fields, int skip) {
        return Arrays.stream(fields).skip(skip).mapToInt(Integer::parseInt).toArray();
    }

    public static String sha256(Path file) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String quote(String piece) {
        StringBuilder sb = new StringBuilder("'");
        piece.codePoints().forEach(c -> sb.append(c >= 0x20 && c < 0x7f ? Character.toString(c) : String.format("\\u%04x", c)));
        return sb.append('\'').toString();
    }
}
