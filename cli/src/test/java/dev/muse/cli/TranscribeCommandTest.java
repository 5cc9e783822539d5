package dev.muse.cli;

import static dev.muse.cli.CliTest.muse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.engine.GgmlType;
import dev.muse.testkit.FakeHub;
import dev.muse.testkit.TinyWhisper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `muse pull whisper-tiny` from a local {@link FakeHub} standing in for Hugging Face (serving a tiny random-weight
 * Whisper as ggerganov/whisper.cpp's ggml-tiny.bin), then `muse transcribe` on jfk.wav in every format, in process.
 */
class TranscribeCommandTest {
    @TempDir Path dir;
    FakeHub hub;

    @BeforeEach
    void pointMuseAtTheFakeHub() throws IOException {
        hub = FakeHub.start();
        System.setProperty("muse.hf.endpoint", hub.endpoint().toString());
        System.setProperty("muse.home", dir.resolve("home").toString());
    }

    @AfterEach
    void restore() {
        System.clearProperty("muse.hf.endpoint");
        System.clearProperty("muse.home");
        hub.close();
    }

    @Test
    void pullAWhisperModelThenTranscribeWithIt() throws IOException {
        Path jfk = Path.of(System.getProperty("muse.shared", "../shared"), "media", "jfk.wav");
        assertTrue(Files.isRegularFile(jfk), "test data missing: " + jfk.toAbsolutePath());
        CliTest.Outcome none = muse("transcribe", jfk.toString());
        assertEquals(1, none.exitCode());
        assertTrue(none.err().contains("muse pull whisper-base"), none.err());

        byte[] model = Files.readAllBytes(new TinyWhisper(TinyWhisper.Shape.TINY, GgmlType.Q8_0, 9).write(dir.resolve("tiny.bin")));
        hub.serve("ggerganov/whisper.cpp", "ggml-tiny.bin", model);
        CliTest.Outcome pull = muse("pull", "whisper-tiny");
        assertEquals(0, pull.exitCode(), pull.err());
        assertTrue(pull.out().strip().endsWith("ggml-tiny.bin"), pull.out());
        CliTest.Outcome models = muse("models");
        assertTrue(models.out().lines().anyMatch(l -> l.startsWith("whisper-tiny ")), models.out());

        CliTest.Outcome srt = muse("transcribe", jfk.toString(), "--format", "srt", "--language", "English");
        assertEquals(0, srt.exitCode(), srt.err());
        assertTrue(srt.out().startsWith("1\n00:00:"), srt.out());
        assertTrue(srt.err().contains("jfk.wav: 11.0 s of english audio"), srt.err());
        CliTest.Outcome text = muse("transcribe", jfk.toString(), "-m", "whisper-tiny", "-l", "en");
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(!text.out().isBlank() && text.out().endsWith("\n"), text.out());
        CliTest.Outcome json = muse("transcribe", jfk.toString(), "--format", "json", "-l", "en", "-o", dir.resolve("out").toString());
        assertEquals(0, json.exitCode(), json.err());
        String written = Files.readString(dir.resolve("out/jfk.wav.json"));
        assertTrue(written.startsWith("{\"task\":\"transcribe\",\"language\":\"english\",\"duration\":11.0"), written);

        CliTest.Outcome bad = muse("transcribe", jfk.toString(), "-l", "klingon");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("'klingon' is not a language Whisper knows"), bad.err());
    }

    /** With --vad only the speech is transcribed: 20 s of silence before jfk.wav hold no segment, and times stay true. */
    @Test
    void voiceActivityDetectionSkipsSilence() throws IOException {
        Path jfk = Path.of(System.getProperty("muse.shared", "../shared"), "media", "jfk.wav");
        Path vad = Path.of(System.getProperty("muse.silero", "../models/target/silero/silero_vad_v5.onnx"));
        assertTrue(Files.isRegularFile(vad), "Silero VAD missing at " + vad + " (the models module's build fetches it)");
        Path cache = Files.createDirectories(dir.resolve("home/models"));
        new TinyWhisper(TinyWhisper.Shape.TINY, GgmlType.Q8_0, 9).write(cache.resolve("ggml-tiny.bin"));
        dev.muse.media.Audio speech = new dev.muse.media.AudioDecoder().decode(jfk);
        float[] padded = new float[20 * 16000 + speech.samples().length];
        System.arraycopy(speech.samples(), 0, padded, 20 * 16000, speech.samples().length);
        Path quietFirst = Files.write(dir.resolve("quiet-first.wav"), dev.muse.media.WavWriter.float32(new dev.muse.media.Audio(padded, 16000)));

        CliTest.Outcome missing = muse("transcribe", quietFirst.toString(), "-l", "en", "--vad");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("Skipping silence needs Silero VAD"), missing.err());

        Files.copy(vad, cache.resolve("silero_vad_v5.onnx"));
        CliTest.Outcome json = muse("transcribe", quietFirst.toString(), "-l", "en", "--vad", "--format", "json");
        assertEquals(0, json.exitCode(), json.err());
        var body = dev.muse.server.openai.Json.MAPPER.readTree(json.out());
        assertEquals(31.0, body.get("duration").asDouble(), 1e-9, "the original length");
        assertTrue(body.get("segments").size() >= 1, json.out());
        for (var segment : body.get("segments"))
            assertTrue(segment.get("start").asDouble() >= 20.0, "no segment in the silence: " + segment);
    }
}
