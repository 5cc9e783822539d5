package dev.muse.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.GgmlType;
import dev.muse.hub.ModelPaths;
import dev.muse.media.Picture;
import dev.muse.media.PngWriter;
import dev.muse.safety.Hazard;
import dev.muse.safety.SafetyPolicy;
import dev.muse.testkit.NsfwReference;
import dev.muse.testkit.Scenes;
import dev.muse.testkit.TinyPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image safety classifier through the engine, with nsfwjs' real MobileNetV2 in the model cache as muse pull puts it:
 * pictures sent in are judged, pictures made are let through, blurred or withheld as the policy says, and without a
 * classifier the engine says what to install.
 */
class ImageGuardTest {
    @TempDir static Path dir;
    static Engine engine;
    static final Picture FLAGGED = Scenes.flaggedBlobs(), BENIGN = Scenes.landscape(7);

    @BeforeAll
    static void start() throws Exception {
        Path cache = NsfwReference.install(dir.resolve("cache"));
        Path sd = new TinyPipeline(GgmlType.F32, 1).write(dir.resolve("tiny-sd"));
        engine = new Engine(new Engine.Config(List.of(new ModelPaths("tiny-sd", sd, null)), cache.getParent(), 1L << 30, new Scheduler.Options(2, 64, 16)));
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void picturesSentInAreJudged() {
        assertEquals("nsfw-mobilenet-v2", engine.imageGuardModel().orElseThrow());
        ImageVerdict flagged = engine.moderateImage(PngWriter.encode(FLAGGED, Map.of()));
        assertEquals("nsfw-mobilenet-v2", flagged.model());
        assertFalse(flagged.verdict().safe());
        assertEquals(java.util.Set.of(Hazard.S12), flagged.verdict().hazards());
        assertEquals(5, flagged.probabilities().length);
        ImageVerdict benign = engine.moderateImage(PngWriter.encode(BENIGN, Map.of()));
        assertTrue(benign.verdict().safe(), java.util.Arrays.toString(benign.probabilities()));
        assertThrows(IllegalArgumentException.class, () -> engine.moderateImage("not a picture".getBytes()));
    }

    @Test
    void aBlockedPictureIsBlurredOrWithheldAndAFlaggedOneRecorded() {
        ImageGuard guard = new ImageGuard(engine.cacheFolder());
        List<SafetyPolicy.Action> heard = new ArrayList<>();
        ImageScreen.Listener listen = (verdict, action) -> heard.add(action);

        Picture blurred = guard.screen(FLAGGED, new ImageScreen(SafetyPolicy.DEFAULT, listen));
        assertNotSame(FLAGGED, blurred);
        assertEquals(FLAGGED.width(), blurred.width());
        assertFalse(java.util.Arrays.equals(FLAGGED.rgb(), blurred.rgb()));
        Picture photo = ImageGuard.blurred(BENIGN);
        assertTrue(detail(photo) < detail(BENIGN) / 4, "the blur leaves only broad colours: " + detail(photo) + " vs " + detail(BENIGN));
        assertEquals(List.of(SafetyPolicy.Action.BLOCK), heard);

        var withheld = assertThrows(ContentPolicyException.class, () -> guard.screen(FLAGGED, new ImageScreen(SafetyPolicy.parse("images=block"), listen)));
        assertTrue(withheld.getMessage().contains("S12 Sexual Content"), withheld.getMessage());

        assertSame(FLAGGED, guard.screen(FLAGGED, new ImageScreen(SafetyPolicy.parse("S12=flag"), listen)), "a flag lets the picture through");
        assertSame(FLAGGED, guard.screen(FLAGGED, new ImageScreen(SafetyPolicy.parse("S12=off"), listen)));
        assertSame(BENIGN, guard.screen(BENIGN, new ImageScreen(SafetyPolicy.DEFAULT, listen)));
        assertEquals(List.of(SafetyPolicy.Action.BLOCK, SafetyPolicy.Action.BLOCK, SafetyPolicy.Action.FLAG), heard);
    }

    @Test
    void drawingsAreScreenedPictureByPicture() throws Exception {
        List<ImageVerdict> verdicts = new ArrayList<>();
        try (Drawing drawing = engine.draw(new DrawRequest("tiny-sd", "a red fox", null, 64, 32, 2, 0.0, 3L, 2, null, null, 1),
                new ImageScreen(SafetyPolicy.parse("S12=flag"), (v, a) -> verdicts.add(v)))) {
            List<Event> events = DrawingTest.events(drawing);
            assertInstanceOf(Event.Drawn.class, events.getLast());
            assertEquals(2, events.stream().filter(e -> e instanceof Event.Image i && !i.blurred()).count(), "flagged or not, a flag lets them through");
        }
    }

    @Test
    void withoutAClassifierTheEngineSaysWhatToInstall() throws Exception {
        try (Engine bare = new Engine(new Engine.Config(List.of(), Files.createDirectories(dir.resolve("empty")), 1L << 30, new Scheduler.Options(2, 64, 16)))) {
            assertTrue(bare.imageGuardModel().isEmpty());
            CapabilityException e = assertThrows(CapabilityException.class, () -> bare.moderateImage(PngWriter.encode(BENIGN, Map.of())));
            assertTrue(e.getMessage().contains("muse pull nsfw-mobilenet-v2"), e.getMessage());
        }
    }

    /**
     * A chat's own drawing tool draws under the request's screen: asked to screen where no classifier is installed, the
     * tool reports that to the model rather than drawing unscreened (a drawing at the tool's 512 x 512 would take the
     * tiny pipeline a minute here, so the screened drawing itself is {@link #drawingsAreScreenedPictureByPicture}'s).
     */
    @Test
    void aChatsOwnDrawingsAreScreenedAsTheRequestSays() throws Exception {
        String qwen = ToolCallsTest.template("Qwen-Qwen2.5-7B-Instruct.jinja");
        Path hermes = new dev.muse.testkit.TinyModel(dev.muse.testkit.TinyFamily.QWEN2, GgmlType.Q8_0, 21).write(dir.resolve("hermes.gguf"), m -> {
            m.putString("tokenizer.chat_template", qwen);
            m.putUInt32("qwen2.context_length", 2048);
        });
        try (Engine unguarded = new Engine(new Engine.Config(List.of(new ModelPaths("hermes", hermes, null), new ModelPaths("tiny-sd", dir.resolve("tiny-sd"), null)),
                null, 1L << 30, new Scheduler.Options(2, 2048, 256)))) {
            ChatRequest draw = new ChatRequest("hermes", List.of(ChatRequest.Message.of("user", "Draw a fox.")), null,
                    GenerationOptions.of(400, Sampling.greedy())).withTools(new Tools(List.of(), Tools.Choice.NAMED, "generate_image", false))
                    .withOwnTools(List.of("generate_image"));
            Event.ToolStep refused = step(EngineTest.drain(unguarded.chat(draw.withScreen(ImageScreen.DEFAULT))));
            assertTrue(refused.result().startsWith("error: No image safety classifier is installed"), refused.result());
            assertTrue(refused.outputs().isEmpty(), "nothing unscreened is shown");
        }
    }

    static Event.ToolStep step(List<Event> events) {
        return events.stream().filter(e -> e instanceof Event.ToolStep).map(e -> (Event.ToolStep) e).findFirst().orElseThrow(() -> new AssertionError(events.toString()));
    }

    /** Mean absolute difference between horizontal neighbours: how much fine detail a picture has. */
    static double detail(Picture p) {
        long sum = 0;
        for (int y = 0; y < p.height(); y++)
            for (int x = 1; x < p.width(); x++)
                for (int c = 0; c < 3; c++) sum += Math.abs((p.rgb()[(y * p.width() + x) * 3 + c] & 0xff) - (p.rgb()[(y * p.width() + x - 1) * 3 + c] & 0xff));
        return sum / (double) (p.height() * (p.width() - 1) * 3);
    }
}
