package dev.muse.models.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.muse.engine.GgmlType;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.models.Models;
import dev.muse.testkit.DequantizedTwin;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Qwen3 (QK-norm, head size from attention.key_length) against golden greedy continuations from a newer
 * llama.cpp than the one the forked-JVM reference carries (see resources/golden/qwen3-llama.cpp.txt for how
 * they were made). Muse must produce the 32 golden tokens exactly; the golden also names the sha256 of the
 * file llama.cpp ran, so a changed model writer or quantizer fails as "stale golden", not as a mismatch.
 */
class Qwen3GoldenTest {
    static final String GOLDEN = "/golden/qwen3-llama.cpp.txt";

    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q4_K", "Q5_K", "Q6_K"})
    void greedyContinuationMatchesNewerLlamaCpp(GgmlType type) throws Exception {
        List<String> lines = golden();
        int[] prompt = ids(lines.stream().filter(l -> l.startsWith("prompt ")).findFirst().orElseThrow(), 1);
        String line = lines.stream().filter(l -> l.startsWith(type.name() + " ")).findFirst().orElse(null);
        assertNotNull(line, "no golden line for " + type);
        String[] fields = line.split(" ");
        String sha = fields[1];
        int[] expected = ids(line, 3);

        TinyModel tiny = new TinyModel(TinyFamily.QWEN3, type, LlamaCppGoldenTest.SEED);
        Path file = tiny.write(dir.resolve(tiny.name() + ".gguf"));
        Path ran = type == GgmlType.F32 ? file : DequantizedTwin.write(file, dir.resolve(tiny.name() + "-twin-f32.gguf"));
        assertEquals(sha, sha256(ran), tiny.name() + ": stale golden: the file llama.cpp ran is no longer what TinyModel"
                + (type == GgmlType.F32 ? "" : " and DequantizedTwin") + " write; regenerate " + GOLDEN);

        LlamaCppGoldenTest.MuseRun muse;
        String[] pieces;
        try (GgufFile gguf = GgufFile.open(file)) {
            pieces = gguf.metadata().getStrings("tokenizer.ggml.tokens");
            muse = LlamaCppGoldenTest.greedy(Models.load(gguf), prompt, expected.length);
        }
        for (int k = 0; k < expected.length; k++) {
            if (muse.tokens()[k] == expected[k]) continue;
            float[] logits = muse.logits().get(k);
            int ours = muse.tokens()[k], theirs = expected[k];
            fail(String.format("%s: greedy token %d of %d differs: Muse %d %s, llama.cpp %d %s; Muse's gap %.6f."
                            + "%n  golden %s%n  Muse   %s", tiny.name(), k, expected.length, ours, LlamaCppGoldenTest.quote(pieces[ours]),
                    theirs, LlamaCppGoldenTest.quote(pieces[theirs]), logits[ours] - logits[theirs],
                    Arrays.toString(expected), Arrays.toString(muse.tokens())));
        }
    }

    private static List<String> golden() throws IOException {
        try (InputStream in = Qwen3GoldenTest.class.getResourceAsStream(GOLDEN)) {
            assertNotNull(in, "golden file " + GOLDEN + " is missing");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
        }
    }

    private static int[] ids(String line, int skip) {
        return Arrays.stream(line.trim().split(" +")).skip(skip).mapToInt(Integer::parseInt).toArray();
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
