package dev.muse.models.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.muse.engine.GgmlType;
import dev.muse.formats.TensorSource;
import dev.muse.formats.detect.WeightFiles;
import dev.muse.media.Audio;
import dev.muse.media.LogMel;
import dev.muse.models.Models;
import dev.muse.models.SequenceState;
import dev.muse.testkit.Nmse;
import dev.muse.testkit.TinyWhisper;
import dev.muse.testkit.TinyWhisper.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tiny random-weight Whisper models (tiny's and large-v3-turbo's shape rules) against whisper.cpp on jfk.wav: the
 * log-mel spectrogram, the encoder's output and the decoder's logits after the prompt {@code sot lang:en transcribe}
 * (golden/whisper/README.md says how the goldens were made).
 *
 * <p>Tolerances (normalised mean squared error, error power over signal power): 1e-9 for the spectrogram (measured
 * 3e-13: the same float FFT; glibc's sinf differs from Java's in the last bit of 10 of the 400 table entries);
 * 1e-5 for F16 weights, measured 3-5e-7 (whisper.cpp rounds activations to F16 before F16 products, K, V and
 * attention weights to F16, and looks GELU up in an F16 table; Muse keeps F32); 3e-4 for quantised weights, measured
 * 0.6-1.4e-4, because whisper.cpp also quantises every activation to 8 bits before a quantised product.
 */
class WhisperGoldenTest {
    private static Audio jfk;

    @BeforeAll
    static void decodeJfk() {
        jfk = Jfk.audio();
    }

    static Stream<TinyWhisper> models() {
        return Stream.of(new TinyWhisper(Shape.TINY, GgmlType.F16, 1), new TinyWhisper(Shape.TINY, GgmlType.Q5_0, 1),
                new TinyWhisper(Shape.TINY, GgmlType.Q5_1, 1), new TinyWhisper(Shape.TURBO, GgmlType.F16, 1),
                new TinyWhisper(Shape.TURBO, GgmlType.Q8_0, 1));
    }

    @ParameterizedTest(name = "{0} mel bins")
    @ValueSource(ints = {80, 128})
    void spectrogramMatchesWhisperCpp(int bins) throws IOException {
        LogMel.Spectrogram mel = new LogMel(bins, TinyWhisper.slaneyMelFilters(bins)).compute(jfk.samples());
        assertEquals(4100, mel.frames(), "(176000 + 30 s) / 160 frames");
        assertEquals(1099, mel.soundFrames());
        float[] expected = golden("mel-" + bins + ".f32");
        int frames = expected.length / bins;
        float[] actual = new float[expected.length];
        for (int m = 0; m < bins; m++) {
            for (int f = 0; f < frames; f++) {
                actual[m * frames + f] = mel.at(m, f);
            }
        }
        assertBelow(1e-9, Nmse.of(expected, actual), bins + "-bin spectrogram");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void encoderAndLogitsMatchWhisperCpp(TinyWhisper tiny, @TempDir Path dir) throws IOException {
        double tolerance = tiny.type() == GgmlType.F16 ? 1e-5 : 3e-4;
        Path file = tiny.write(dir.resolve("ggml-" + tiny.name() + ".bin"));
        try (TensorSource source = WeightFiles.open(file)) {
            Whisper whisper = (Whisper) Models.load(source);
            WhisperTokens tokens = WhisperTokens.of(whisper.vocabularySize());
            Whisper.Encoded audio = whisper.encode(whisper.logMel().compute(jfk.samples()), 0);

            float[] expected = golden(tiny.name() + "-encoder.f32"); // every 15th of the 1500 positions
            int d = whisper.config().audioState();
            float[] actual = new float[expected.length];
            for (int row = 0; row < expected.length / d; row++) {
                System.arraycopy(audio.states(), row * 15 * d, actual, row * d, d);
            }
            assertBelow(tolerance, Nmse.of(expected, actual), tiny.name() + " encoder output");

            int[] prompt = {tokens.startOfTranscript(), tokens.language("en"), tokens.transcribe()};
            List<Integer> argmax = goldenArgmax(tiny.name());
            SequenceState oneByOne = whisper.start(audio);
            float[] logits = null;
            for (int i = 0; i < prompt.length; i++) {
                logits = whisper.decode(oneByOne, new int[] {prompt[i]});
                assertEquals(argmax.get(i), argmax(logits), tiny.name() + ": the most likely token after " + (i + 1));
            }
            float[] batched = whisper.decode(whisper.start(audio), prompt);
            expected = golden(tiny.name() + "-logits.f32"); // every 8th logit
            assertBelow(tolerance, Nmse.of(expected, every8th(batched)), tiny.name() + " logits (prompt in one batch)");
            assertBelow(tolerance, Nmse.of(expected, every8th(logits)), tiny.name() + " logits (a token at a time)");
        }
    }

    private static float[] every8th(float[] logits) {
        float[] out = new float[(logits.length + 7) / 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = logits[8 * i];
        }
        return out;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static void assertBelow(double tolerance, double nmse, String what) {
        System.out.printf("%s: NMSE %.3g against whisper.cpp%n", what, nmse);
        assertTrue(nmse < tolerance, what + ": NMSE " + nmse + " against whisper.cpp (tolerance " + tolerance + ")");
    }

    private static List<Integer> goldenArgmax(String name) throws IOException {
        for (String line : new String(bytes("argmax.txt")).split("\n")) {
            String[] f = line.split(" ");
            if (f[0].equals(name)) {
                return List.of(Integer.valueOf(f[1]), Integer.valueOf(f[2]), Integer.valueOf(f[3]));
            }
        }
        return fail("golden/whisper/argmax.txt has no line for " + name);
    }

    /** A golden array: raw little-endian float32. */
    static float[] golden(String name) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(bytes(name)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(values);
        return values;
    }

    private static byte[] bytes(String name) throws IOException {
        String resource = "/golden/whisper/" + name;
        try (InputStream in = WhisperGoldenTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                fail("golden file " + resource + " is missing: see models/src/test/resources/golden/whisper/README.md");
            }
            return in.readAllBytes();
        }
    }
}
