package dev.muse.models.whisper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.muse.engine.GgmlType;
import dev.muse.formats.TensorSource;
import dev.muse.formats.detect.WeightFiles;
import dev.muse.media.Audio;
import dev.muse.models.Models;
import dev.muse.models.SpeechRecognizer;
import dev.muse.models.Transcript;
import dev.muse.models.TranscriptionOptions;
import dev.muse.testkit.TinyWhisper;
import dev.muse.testkit.TinyWhisper.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Greedy transcription of jfk.wav (and of it four times over, 44 s, so that windows follow one another) by tiny
 * random-weight models against whisper.cpp's whisper_full with the same settings (temperature 0, no fallback,
 * language given or detected): the same segments, with the same start and end times and the same tokens. Random
 * weights with a small token embedding make the timestamp rules do all the work: timestamps come in rising pairs
 * around text, windows end early and the next starts where the last timestamp says.
 */
class TranscribeGoldenTest {
    private static Audio jfk;

    @BeforeAll
    static void decodeJfk() {
        jfk = Jfk.audio();
    }

    record Case(TinyWhisper model, int repeat, String language, String golden) {
        @Override public String toString() { return golden; }
    }

    static Stream<Case> cases() {
        return Stream.of(new Case(new TinyWhisper(Shape.TINY, GgmlType.F16, 1), 1, "en", "tiny-f16-jfk"),
                new Case(new TinyWhisper(Shape.TINY, GgmlType.F16, 1), 4, "en", "tiny-f16-jfk4"),
                new Case(new TinyWhisper(Shape.TURBO, GgmlType.F16, 1), 1, null, "large-v3-turbo-f16-jfk-auto"),
                new Case(new TinyWhisper(Shape.TINY_EN, GgmlType.F16, 1), 1, null, "tiny.en-f16-jfk"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void segmentsMatchWhisperCpp(Case c, @TempDir Path dir) throws IOException {
        List<String> expected = golden(c.golden());
        Path file = c.model().write(dir.resolve("ggml-" + c.model().name() + ".bin"));
        float[] samples = new float[jfk.samples().length * c.repeat()];
        for (int i = 0; i < c.repeat(); i++) {
            System.arraycopy(jfk.samples(), 0, samples, i * jfk.samples().length, jfk.samples().length);
        }
        try (TensorSource source = WeightFiles.open(file)) {
            SpeechRecognizer whisper = Models.load(source).as(SpeechRecognizer.class).orElseThrow();
            TranscriptionOptions options = TranscriptionOptions.DEFAULTS.withLanguage(c.language()).withTemperature(0, 0);
            Transcript transcript = whisper.transcribe(samples, options, new SpeechRecognizer.Listener() {});
            List<String> actual = new ArrayList<>();
            actual.add("language " + transcript.language());
            for (Transcript.Segment s : transcript.segments()) {
                actual.add("segment " + s.start() + " " + s.end());
                StringBuilder ids = new StringBuilder("tokens");
                for (Transcript.Token t : s.tokens()) ids.append(' ').append(t.id());
                actual.add(ids.toString());
            }
            assertFalse(transcript.segments().isEmpty(), "some speech is heard");
            assertEquals(String.join("\n", expected), String.join("\n", actual), c.golden());
        }
    }

    /** Each token's start and end as whisper.cpp estimates them (its token_timestamps), on one window and on three. */
    @ParameterizedTest(name = "jfk x{0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 4})
    void tokenTimesMatchWhisperCpp(int repeat, @TempDir Path dir) throws IOException {
        TinyWhisper model = new TinyWhisper(Shape.TINY, GgmlType.F16, 1);
        List<String> expected = golden("tiny-f16-jfk" + (repeat == 1 ? "" : "4") + "-token-times");
        float[] samples = new float[jfk.samples().length * repeat];
        for (int i = 0; i < repeat; i++) System.arraycopy(jfk.samples(), 0, samples, i * jfk.samples().length, jfk.samples().length);
        try (TensorSource source = WeightFiles.open(model.write(dir.resolve("ggml-tiny-f16.bin")))) {
            SpeechRecognizer whisper = Models.load(source).as(SpeechRecognizer.class).orElseThrow();
            Transcript transcript = whisper.transcribe(samples, TranscriptionOptions.DEFAULTS.withLanguage("en").withTemperature(0, 0)
                    .withTokenTimestamps(true), new SpeechRecognizer.Listener() {});
            List<String> actual = new ArrayList<>();
            for (Transcript.Segment s : transcript.segments())
                for (Transcript.Token t : s.tokens()) actual.add("token " + t.id() + " " + t.start() + " " + t.end());
            assertEquals(String.join("\n", expected), String.join("\n", actual));
        }
    }

    private static List<String> golden(String name) throws IOException {
        String resource = "/golden/whisper/" + name + ".txt";
        try (InputStream in = TranscribeGoldenTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                fail("golden file " + resource + " is missing: see models/src/test/resources/golden/whisper/README.md");
            }
            List<String> lines = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) lines.add(line);
            }
            return lines;
        }
    }
}
