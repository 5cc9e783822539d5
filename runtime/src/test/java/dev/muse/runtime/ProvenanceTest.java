package dev.muse.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.GgmlType;
import dev.muse.hub.ModelPaths;
import dev.muse.media.ImageDecoder;
import dev.muse.media.Picture;
import dev.muse.provenance.Verification;
import dev.muse.provenance.watermark.ImageWatermark;
import dev.muse.testkit.TinyKokoro;
import dev.muse.testkit.TinyPipeline;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the engine makes leaves it marked and signed: a drawing is exactly the engine's unmarked picture (an engine with
 * watermarks off, same seed) with the watermark its credentials record written in (a random-weight pipeline draws noise,
 * in which the image mark cannot be read back reliably; its detection is proven on pictures with a photograph's structure
 * in the provenance module and by muse bench --watermark); speech carries the mark its credentials record, as the
 * detector finds.
 */
class ProvenanceTest {
    @TempDir static Path dir;
    static Engine marking, plain;

    @BeforeAll
    static void start() throws Exception {
        Path sd = new TinyPipeline(GgmlType.F32, 1).write(dir.resolve("tiny-sd"));
        Path kokoro = TinyKokoro.write(dir.resolve("kokoro"), TinyKokoro.Shape.SMALL, 7, "af_test");
        Path chat = new dev.muse.testkit.TinyModel(dev.muse.testkit.TinyFamily.LLAMA2, GgmlType.F32, 5).write(dir.resolve("chat.gguf"));
        List<ModelPaths> models = List.of(new ModelPaths("tiny-sd", sd, null), new ModelPaths("kokoro", kokoro, null), new ModelPaths("chat", chat, null));
        marking = new Engine(new Engine.Config(models, null, 1L << 32, Scheduler.Options.single(256), null, null, true));
        plain = new Engine(new Engine.Config(models, null, 1L << 32, Scheduler.Options.single(256), null, null, false));
    }

    @AfterAll
    static void stop() {
        marking.close();
        plain.close();
    }

    static byte[] drawn(Engine engine) throws InterruptedException {
        try (Drawing drawing = engine.draw(new DrawRequest("tiny-sd", "a lake at dawn", null, 96, 64, 1, 0.0, 11L, 1))) {
            for (Event e = drawing.next(); ; e = drawing.next()) {
                if (e instanceof Event.Image image) return image.file();
                if (e instanceof Event.Error error) throw new AssertionError(error.error());
            }
        }
    }

    static byte[] said(Engine engine) throws InterruptedException {
        try (Speaking speaking = engine.speak(SpeechRequest.of("kokoro", "One short sentence.").withSeed(5))) {
            SpeechAudio wav = speaking.file(SpeechAudio.Format.WAV);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            speaking.follow(piece -> {
                out.writeBytes(wav.add(piece));
                return true;
            }, fraction -> { });
            out.writeBytes(wav.finish());
            return out.toByteArray();
        }
    }

    @Test
    void aDrawingIsTheUnmarkedPictureWithTheRecordedMarkWrittenIn() throws Exception {
        byte[] file = drawn(marking);
        Verification v = marking.verify(file);
        assertEquals(Verification.Status.VALID, v.status(), v.summary());
        assertTrue(v.trusted() && v.aiGenerated());
        assertTrue(v.actions().stream().anyMatch(a -> a.action().equals("c2pa.watermarked")), v.actions().toString());
        String recorded = v.watermarks().getFirst().recorded();
        assertNotNull(recorded, "the credentials record the mark");
        Picture unmarked = new ImageDecoder().decode(drawn(plain));
        Picture expected = ImageWatermark.embed(unmarked, Long.parseLong(recorded, 16));
        assertArrayEquals(expected.rgb(), new ImageDecoder().decode(file).rgb(), "the served pixels are the picture with its mark");
        assertArrayEquals(new ImageDecoder().decode(file).rgb(), new ImageDecoder().decode(drawn(marking)).rgb(),
                "a seed still draws the same picture: the payload comes from the picture");
        assertNull(plain.verify(drawn(plain)).watermarks().getFirst().recorded(), "with watermarks off, none is recorded");
    }

    @Test
    void aLabelledDrawingShowsMadeWithAi() throws Exception {
        DrawRequest labelled = new DrawRequest("tiny-sd", "a lake at dawn", null, 96, 64, 1, 0.0, 11L, 1, null, null, 0, DrawRequest.Output.PNG.withLabel(true));
        Picture picture;
        try (Drawing drawing = marking.draw(labelled)) {
            Event e;
            do e = drawing.next(); while (!(e instanceof Event.Image) && !e.last());
            picture = new ImageDecoder().decode(assertInstanceOf(Event.Image.class, e).file());
        }
        // 96 x 64: letters of 1 pixel, the plate 77 x 13 pixels 3 from the corner; the M's top-left pixel is white
        // (but for the watermark's few levels)
        assertTrue(picture.sample(96 - 77 - 3 + 3, 64 - 13 - 3 + 3, 0) >= 245, "the label's first letter");
    }

    static String written(Engine engine, boolean watermark, long seed) throws InterruptedException {
        GenerationOptions options = new GenerationOptions(200, new Sampling(1f, 0, 1f, 0f, 1f, 0f, 0f, seed), List.of(), 1, -1).withWatermark(watermark);
        StringBuilder text = new StringBuilder();
        try (Generation g = engine.complete(CompletionRequest.ofText("chat", "Once upon a time", options))) {
            for (Event e = g.next(); !e.last(); e = g.next()) if (e instanceof Event.Token t) text.append(t.text());
        }
        return text.toString();
    }

    @Test
    void textAskedToBeMarkedCarriesTheTextWatermark() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            var marked = marking.detectWatermark("chat", written(marking, true, seed));
            assertTrue(marked.found(), "seed " + seed + ": " + marked);
            var plain = marking.detectWatermark("chat", written(marking, false, seed));
            assertFalse(plain.found(), "seed " + seed + ": " + plain);
        }
    }

    @Test
    void speechCarriesTheMarkItsCredentialsRecord() throws Exception {
        byte[] file = said(marking);
        Verification v = marking.verify(file);
        assertEquals(Verification.Status.VALID, v.status(), v.summary());
        Verification.Mark mark = v.watermarks().getFirst();
        assertEquals("audio", mark.kind());
        assertTrue(mark.found() && mark.matchesCredentials(), mark.toString());
        Verification unmarked = plain.verify(said(plain));
        assertFalse(unmarked.watermarks().getFirst().found(), unmarked.watermarks().toString());
        assertNull(unmarked.watermarks().getFirst().recorded());
    }
}
