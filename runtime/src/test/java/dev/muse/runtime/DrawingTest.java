package dev.muse.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.engine.GgmlType;
import dev.muse.hub.ModelPaths;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import dev.muse.testkit.TinyPipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drawing through the engine: the event stream, the pictures and their seeds, the refusals, cancellation. */
class DrawingTest {
    @TempDir static Path dir;
    static Engine engine;

    @BeforeAll
    static void start() throws Exception {
        Path sd = new TinyPipeline(GgmlType.F32, 1).write(dir.resolve("tiny-sd"));
        Path chat = new TinyModel(TinyFamily.LLAMA2, GgmlType.F32, 5).write(dir.resolve("chat.gguf"));
        engine = new Engine(new Engine.Config(List.of(new ModelPaths("tiny-sd", sd, null), new ModelPaths("chat", chat, null)), null, 1L << 30,
                new Scheduler.Options(2, 64, 16)));
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static List<Event> events(Drawing drawing) throws InterruptedException {
        List<Event> out = new ArrayList<>();
        Event e;
        do out.add(e = drawing.next()); while (!e.last());
        return out;
    }

    @Test
    void drawsPicturesWithProgressAndSeeds() throws Exception {
        List<Event> events = events(engine.draw(new DrawRequest("tiny-sd", "a red fox in snow", "blurry", 64, 32, 2, 5.0, 1234L, 2)));
        List<Event.Image> images = events.stream().filter(e -> e instanceof Event.Image).map(e -> (Event.Image) e).toList();
        assertEquals(2, images.size());
        assertEquals(1234L, images.get(0).seed());
        assertEquals(1235L, images.get(1).seed(), "picture i is seed + i, so it can be drawn again alone");
        assertEquals(64, picture(images.get(0)).width());
        assertEquals(32, picture(images.get(0)).height());
        assertEquals("a red fox in snow\nNegative prompt: blurry\nSteps: 2, Sampler: Euler, CFG scale: 5.0, Seed: 1235, Size: 64x32, Model: tiny-sd, "
                + "Version: Muse", dev.muse.media.PngWriter.text(images.get(1).png()).get("parameters"));
        List<Double> progress = events.stream().filter(e -> e instanceof Event.Progress).map(e -> ((Event.Progress) e).fraction()).toList();
        assertEquals(List.of(0.25, 0.5, 0.75, 1.0), progress);
        Event.Drawn done = assertInstanceOf(Event.Drawn.class, events.getLast());
        assertEquals(2, done.pictures());
        assertEquals(2, done.steps());
        var again = events(engine.draw(new DrawRequest("tiny-sd", "a red fox in snow", "blurry", 64, 32, 2, 5.0, 1235L, 1)));
        Event.Image alone = (Event.Image) again.stream().filter(e -> e instanceof Event.Image).findFirst().orElseThrow();
        int worst = 0;
        byte[] a = picture(alone).rgb(), b = picture(images.get(1)).rgb();
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] & 0xFF) - (b[i] & 0xFF)));
        assertTrue(worst <= 2, "the second picture drawn again from its own seed: " + worst + " levels apart");
        assertTrue(engine.model("tiny-sd").orElseThrow().outputs().contains(ModelInfo.Modality.IMAGE));
    }

    static dev.muse.media.Picture picture(Event.Image image) {
        return new dev.muse.media.ImageDecoder().decode(image.png());
    }

    @Test
    void refusalsComeBeforeAnythingRuns() {
        assertThrows(IllegalArgumentException.class, () -> engine.draw(new DrawRequest("tiny-sd", "a fox", null, 48, 32, 1, 0.0, 1L, 1)));
        assertThrows(IllegalArgumentException.class, () -> engine.draw(new DrawRequest("tiny-sd", "a fox", null, 32, 32, 0, 0.0, 1L, 1)));
        assertThrows(IllegalArgumentException.class, () -> new DrawRequest("tiny-sd", " ", null, 32, 32, 1, 0.0, 1L, 1));
        assertThrows(IllegalArgumentException.class, () -> new DrawRequest("tiny-sd", "a fox", null, 32, 32, 1, 0.0, 1L, 9));
        var notADrawer = assertThrows(CapabilityException.class, () -> engine.draw(DrawRequest.of("chat", "a fox")));
        assertEquals(CapabilityException.Capability.IMAGE_GENERATION, notADrawer.missing());
        var noChat = assertThrows(CapabilityException.class, () -> engine.chat(new ChatRequest("tiny-sd",
                List.of(ChatRequest.Message.of("user", "hi")), null, GenerationOptions.of(4, Sampling.greedy()))));
        assertTrue(noChat.getMessage().contains("draws pictures"), noChat.getMessage());
        assertThrows(UnknownModelException.class, () -> engine.draw(DrawRequest.of("nope", "a fox")));
    }

    @Test
    void aCancelledDrawingEndsWithACancellation() throws Exception {
        Drawing drawing = engine.draw(new DrawRequest("tiny-sd", "a cat on the moon", null, 32, 32, 50, 0.0, 7L, 1));
        assertInstanceOf(Event.Progress.class, drawing.next());
        drawing.cancel();
        List<Event> rest = events(drawing);
        Event.Error error = assertInstanceOf(Event.Error.class, rest.getLast());
        assertInstanceOf(CancellationException.class, error.error());
    }
}
