package dev.muse.models.kokoro;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.Ops;
import dev.muse.formats.JsonValues;
import dev.muse.testkit.Nmse;
import dev.muse.testkit.TinyKokoro;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole of Kokoro against the reference's own model code (golden/kokoro: hexgrad/kokoro's KModel run with torch 1.13
 * on random-weight folders written by testkit's TinyKokoro, the published config's shapes and a smaller one): the same
 * durations, the PL-BERT's projected features, the F0 and energy curves, and the audio. The harmonic source's random
 * numbers are the counter-based draws the reference run was given in place of torch.rand / torch.randn_like.
 */
class KokoroGoldenTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/kokoro");

    @TempDir Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"small, SMALL", "real, REAL"})
    void speaksAsTheReferenceDoes(String golden, String shapeName) throws Exception {
        TinyKokoro.Shape shape = shapeName.equals("REAL") ? TinyKokoro.Shape.REAL : TinyKokoro.Shape.SMALL;
        Map<?, ?> want = (Map<?, ?>) JsonValues.parse(Files.readString(GOLDEN.resolve(golden + ".json")), golden + ".json");
        Path folder = TinyKokoro.write(dir.resolve("kokoro"), shape, 7, "af_test");
        assertEquals(want.get("checkpoint_sha256"), sha256(folder.resolve("kokoro-v1_0.pth")),
                "testkit's TinyKokoro no longer writes the checkpoint the golden was made from: remake golden/kokoro (see its README)");
        String phonemes = (String) want.get("phonemes");
        float speed = ((Number) want.get("speed")).floatValue();
        try (Kokoro kokoro = Kokoro.load(folder, Ops.cpu())) {
            Voice voice = kokoro.voice("af_test");
            int[] known = kokoro.ids(phonemes), ids = new int[known.length + 2];
            System.arraycopy(known, 0, ids, 1, known.length);
            float[] s = voice.style(phonemes.length());
            Kokoro.Prosody prosody = kokoro.prosody(ids, java.util.Arrays.copyOfRange(s, 128, 256), speed);
            List<?> durations = (List<?>) want.get("durations");
            assertArrayEquals(durations.stream().mapToInt(d -> ((Number) d).intValue()).toArray(), prosody.durations(), "durations");
            assertNmse(floats(golden + ".bert.f32"), prosody.projected(), 1e-6, "the PL-BERT's projected features");
            assertNmse(floats(golden + ".f0.f32"), prosody.f0(), 1e-4, "F0");
            assertNmse(floats(golden + ".n.f32"), prosody.energy(), 1e-4, "energy");

            Kokoro.Speech speech = kokoro.speak(phonemes, voice, speed, new ReferenceDraws());
            float[] audio = floats(golden + ".audio.f32");
            assertEquals(audio.length, speech.audio().length, "samples");
            assertNmse(audio, speech.audio(), 1e-3, "audio");
            // The first STFT frame of the harmonic source is symmetric (reflect padding), so its bins' imaginary parts
            // are rounding noise and a negative bin's phase is pi or -pi as the FFT's rounding falls: PyTorch's and
            // Muse's differ there, which shows in the first few milliseconds. Past them the two agree far closer.
            int skip = audio.length / 10;
            assertNmse(java.util.Arrays.copyOfRange(audio, skip, audio.length), java.util.Arrays.copyOfRange(speech.audio(), skip, audio.length), 1e-4,
                    "audio past its first tenth");
            // a speech's pieces share the vocoder's working arrays: a longer piece before leaves nothing in this one's sound
            // (the same to rounding: JIT-compiled kernels may round the last bit otherwise than the first call's)
            dev.muse.models.nn.Scratch scratch = IstftNet.scratch();
            kokoro.speak(phonemes + " " + phonemes, voice, speed, new ReferenceDraws(), scratch);
            assertNmse(speech.audio(), kokoro.speak(phonemes, voice, speed, new ReferenceDraws(), scratch).audio(), 1e-10, "after a longer piece");
        }
    }

    private static void assertNmse(float[] expected, float[] actual, double bound, String what) {
        assertEquals(expected.length, actual.length, what + ": values");
        double nmse = Nmse.of(expected, actual);
        assertTrue(nmse < bound, what + ": NMSE " + nmse + " is not below " + bound);
    }

    static float[] floats(String name) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(GOLDEN.resolve(name))).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * The draws the reference run was given (golden/kokoro's run.py): splitmix64 of (stream << 32) + i as a uniform in
     * (0, 1), stream 1 for the initial phases, stream 2's pairs through Box-Muller for the noise.
     */
    static final class ReferenceDraws implements SourceNoise {
        @Override public float[] phases(int n) {
            float[] out = new float[n];
            for (int i = 0; i < n; i++) out[i] = (float) uniform(1, i);
            return out;
        }

        @Override public float[] noise(int n) {
            float[] out = new float[n];
            for (int i = 0; i < n; i++) out[i] = (float) (Math.sqrt(-2 * Math.log(uniform(2, 2L * i))) * Math.cos(2 * Math.PI * uniform(2, 2L * i + 1)));
            return out;
        }

        static double uniform(long stream, long i) {
            long z = (stream << 32) + i + 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            return ((z >>> 11) + 0.5) / 0x1p53;
        }
    }
}
