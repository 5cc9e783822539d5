package dev.muse.studio;

import dev.muse.engine.GgmlType;
import dev.muse.hub.ModelAliases;
import dev.muse.hub.ModelSource;
import dev.muse.testkit.FakeHub;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyKokoro;
import dev.muse.testkit.TinyModel;
import dev.muse.testkit.TinyPipeline;
import dev.muse.testkit.TinyTaesd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Muse Studio's media in a real browser ({@link BrowserScenario}): the microphone, the co-creation canvas, and a
 * first run that downloads a chat model. Each runs on a server of its own. Apart from {@link StudioBrowserTest} so
 * that a second test JVM runs these (much of their time is audio playing in real time and a stalled download)
 * beside the conversation scenarios.
 */
class StudioMediaBrowserTest {
    @TempDir static Path dir;

    @BeforeAll
    static void requireBrowser() {
        BrowserScenario.requireBrowser();
    }

    /** Chromium's fake microphone speaks jfk.wav to the studio's default models, "whisper-tiny" among them. */
    @Test
    void speakToTheStudio() throws Exception {
        Path models = StudioTestServer.writeModels(Files.createDirectories(dir.resolve("voice")));
        try (StudioTestServer server = new StudioTestServer(models, Files.createDirectories(dir.resolve("voice-data")), false)) {
            BrowserScenario.run("voice", server.base(), null);
        }
    }

    /** With the image safety classifier in the model cache, a picture it flags is refused in the chat, and the page says why. */
    @Test
    void aFlaggedPictureIsRefused() throws Exception {
        Path models = StudioTestServer.writeModels(Files.createDirectories(dir.resolve("screened")));
        dev.muse.testkit.NsfwReference.install(models);
        Path flagged = Files.write(dir.resolve("flagged.png"), dev.muse.media.PngWriter.encode(dev.muse.testkit.Scenes.flaggedBlobs(), java.util.Map.of()));
        try (StudioTestServer server = new StudioTestServer(models, Files.createDirectories(dir.resolve("screened-data")), false)) {
            BrowserScenario.run("flaggedPicture", server.base(), flagged.toString());
        }
    }

    /**
     * Chats screened by a guard that stops every answer of 40 characters or more: the streamed answer is replaced by the
     * server's refusal, and the stored turn, after a reload, says why.
     */
    @Test
    void aStoppedAnswerShowsTheRefusal() throws Exception {
        Path models = StudioTestServer.writeModels(Files.createDirectories(dir.resolve("guarded")));
        new TinyModel(TinyFamily.LLAMA2, GgmlType.Q8_0, 32).write(models.resolve("llama-guard-3-1b-fake.gguf")); // named so; the verdicts are the test's
        try (StudioTestServer server = new StudioTestServer(models, Files.createDirectories(dir.resolve("guarded-data")), false, 0, 40)) {
            BrowserScenario.run("refusedAnswer", server.base(), null);
        }
    }

    /**
     * A fresh install has only the bundled base model, loaded at start as muse studio does: the studio says it continues
     * text, and downloads the library's starter chat model (served by a local {@link FakeHub}) with its progress shown.
     */
    @Test
    void withOnlyABaseModelTheStudioSaysSoAndDownloadsAChatModel() throws Exception {
        Path home = Files.createDirectories(dir.resolve("fresh"));
        Path only = StudioTestServer.writeBundledModel(home);
        byte[] chat = Files.readAllBytes(new TinyModel(TinyFamily.LLAMA2, GgmlType.Q8_0, 53).write(home.resolve("upstream.gguf"),
                m -> m.putString("tokenizer.chat_template", StudioTestServer.TEMPLATE)));
        ModelSource starter = ModelAliases.starterChat().source();
        // Halfway, the download stalls long enough for the page to show it, be reloaded and find it again.
        try (FakeHub hub = FakeHub.start().serve(starter.repo(), starter.path(), chat).stallingAfter(chat.length / 2, Duration.ofSeconds(6));
             StudioTestServer fresh = new StudioTestServer(only, Files.createDirectories(home.resolve("data")), false)) {
            System.setProperty("muse.hf.endpoint", hub.endpoint().toString());
            fresh.server.engine().load(StudioTestServer.STORIES);
            BrowserScenario.run("starter", fresh.base(), null);
        } finally {
            System.clearProperty("muse.hf.endpoint");
        }
    }

    /** Answers read aloud by a random-weight Kokoro beside the chat model: played as they arrive, stopped, downloaded, auto-spoken. */
    @Test
    void readAnswersAloud() throws Exception {
        Path models = StudioTestServer.writeModels(Files.createDirectories(dir.resolve("speak")));
        Path kokoro = TinyKokoro.write(models.resolve("kokoro"), TinyKokoro.Shape.SMALL, 7, "af_test");
        TinyKokoro.addVoice(kokoro, "bf_test", 8);
        try (StudioTestServer server = new StudioTestServer(models, Files.createDirectories(dir.resolve("speak-data")), false)) {
            BrowserScenario.run("speak", server.base(), null);
        }
    }

    /**
     * Muse Studio as a co-creation canvas, with a tiny random Stable Diffusion pipeline and TAESD beside it (on a server
     * of its own, so no other scenario's default model draws): a picture forms from its previews, is kept, varied and
     * inpainted under a painted mask.
     */
    @Test
    void drawAPictureWatchItFormThenVaryAndInpaintIt() throws Exception {
        Path drawing = Files.createDirectories(dir.resolve("drawing-models"));
        new TinyPipeline(GgmlType.F32, 1).write(drawing.resolve("tiny-sd"));
        TinyTaesd.sd(GgmlType.F32, 1).write(drawing.resolve("taesd"));
        try (StudioTestServer painter = new StudioTestServer(drawing, Files.createDirectories(dir.resolve("drawing-data")), false)) {
            BrowserScenario.run("create", painter.base(), null);
        }
    }

    /**
     * Muse's own tools in a chat: a tiny random Qwen2 behind Qwen 2.5's real template, with a tiny Stable Diffusion pipeline
     * to draw with; the chat's setting turns the tools on, and the scenario asks the call by name (random weights never
     * call by themselves); the studio shows the step and the picture, and the same after a reload.
     */
    @Test
    void museDrawsWithItsOwnToolInAChat() throws Exception {
        Path models = Files.createDirectories(dir.resolve("tool-models"));
        String qwen = Files.readString(Path.of(System.getProperty("muse.shared", "../../shared"), "llama.cpp-models", "templates",
                "Qwen-Qwen2.5-7B-Instruct.jinja"));
        new TinyModel(TinyFamily.QWEN2, GgmlType.Q8_0, 21).write(models.resolve("tiny-caller.gguf"), m -> {
            m.putString("tokenizer.chat_template", qwen);
            m.putUInt32("qwen2.context_length", 2048);
        });
        new TinyPipeline(GgmlType.F16, 1).write(models.resolve("tiny-sd"));
        try (StudioTestServer server = new StudioTestServer(models, Files.createDirectories(dir.resolve("tool-data")), false)) {
            BrowserScenario.run("museTools", server.base(), null);
        }
    }
}
