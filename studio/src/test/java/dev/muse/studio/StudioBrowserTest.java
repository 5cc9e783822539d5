package dev.muse.studio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import dev.muse.engine.GgmlType;
import dev.muse.hub.ModelAliases;
import dev.muse.hub.ModelSource;
import dev.muse.testkit.FakeHub;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import dev.muse.testkit.TinyPipeline;
import dev.muse.testkit.TinyTaesd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Muse Studio in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven by Playwright
 * (npm playwright-core, installed by the build) against the server running in this JVM. Each test runs
 * one scenario of src/test/node/scenarios-*.mjs, which fails on any console error and saves screenshots
 * under target/studio-screenshots. Without Chromium or Playwright these tests fail; they never skip.
 */
class StudioBrowserTest {
    private static final Path CHROMIUM = Path.of(System.getProperty("muse.chromium", "/usr/bin/chromium"));
    private static final Path NODE_DIR = Path.of(System.getProperty("muse.studio.node", "target/studio-node"));
    private static final Path SCREENSHOTS = Path.of(System.getProperty("muse.studio.screenshots", "target/studio-screenshots"));

    @TempDir static Path dir;
    static Path models;
    static StudioTestServer server;

    @BeforeAll
    static void start() throws IOException {
        assertTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM
                + ": the studio's browser tests need it (Debian: apt-get install -y chromium; .ci/run installs it)");
        assertTrue(Files.isDirectory(NODE_DIR.resolve("node_modules/playwright-core")),
                "playwright-core is not installed in " + NODE_DIR + " (the Maven build installs it in generate-test-resources)");
        models = StudioTestServer.writeModels(dir);
        server = new StudioTestServer(models, Files.createDirectories(dir.resolve("data")), false);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test void promptTheBundledModelAndSeeTheAnswerStream() throws Exception { scenario("stream", server.base(), null); }

    @Test void stopMidStream() throws Exception { scenario("stop", server.base(), null); }

    @Test void reloadAndFindTheConversationThenRenameSearchAndDelete() throws Exception { scenario("reload", server.base(), null); }

    @Test void attachAnImageAndSeeItInTheHistory() throws Exception { scenario("image", server.base(), null); }

    @Test void aVisionModelSeesTheAttachedImage() throws Exception { scenario("vision", server.base(), null); }

    @Test void speakToTheStudio() throws Exception { scenario("voice", server.base(), null); }

    @Test void switchTheTheme() throws Exception { scenario("themes", server.base(), null); }

    @Test void markdownCodeTablesMediaAndThinkingRenderSafely() throws Exception { scenario("rendering", server.base(), null); }

    @Test void keyboardOnlyAndPhoneWidth() throws Exception { scenario("keyboard", server.base(), null); }

    @Test void regenerateAndEditAndResend() throws Exception { scenario("regenerate", server.base(), null); }

    @Test void aChatLongerThanTheContextGoesOnWithoutItsOldestTurns() throws Exception { scenario("longChat", server.base(), null); }

    @Test void markdownParserEdgeCases() throws Exception { scenario("markdown", server.base(), null); }

    @Test
    void askForAnApiKeyWhenTheServerRequiresOne() throws Exception {
        try (StudioTestServer keyed = new StudioTestServer(models, Files.createDirectories(dir.resolve("keyed")), true)) {
            String key = keyed.store.keys().create("studio test").secret();
            scenario("keys", keyed.base(), key);
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
            scenario("starter", fresh.base(), null);
        } finally {
            System.clearProperty("muse.hf.endpoint");
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
            scenario("create", painter.base(), null);
        }
    }

    /** The scenario asks for the server to go down and come back on the same port, with the same store. */
    @Test
    void reconnectAfterAServerRestart() throws Exception {
        Path data = Files.createDirectories(dir.resolve("restarting"));
        StudioTestServer[] current = {new StudioTestServer(models, data, false)};
        int port = current[0].server.port();
        try {
            scenario("reconnect", current[0].base(), null, (line, reply) -> {
                if (line.equals("RESTART")) {
                    current[0].close();
                    reply.write("STOPPED\n");
                } else if (line.equals("START")) {
                    current[0] = new StudioTestServer(models, data, false, port);
                    reply.write("STARTED\n");
                }
                reply.flush();
            });
        } finally {
            current[0].close();
        }
    }

    @FunctionalInterface
    interface Conversation {
        void onLine(String line, Writer reply) throws IOException;
    }

    /**
     * What Chromium's fake microphone plays: jfk.wav's sentence, then 4 s of silence (a speaker who stops talking).
     * Written as an absolute path without "..": Chromium plays silence for a path with ".." in it.
     */
    private static Path fakeMicrophone() throws IOException {
        Path file = Path.of("target", "fake-microphone.wav").toAbsolutePath().normalize();
        if (Files.isRegularFile(file)) return file;
        Path jfk = Path.of(System.getProperty("muse.shared", "../../shared"), "media", "jfk.wav").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jfk)) fail("test data missing: " + jfk + " (the shared folder must sit beside the checkout)");
        float[] speech = new dev.muse.media.AudioDecoder().decode(jfk).samples();
        float[] withPause = java.util.Arrays.copyOf(speech, speech.length + 4 * 16000);
        Files.createDirectories(file.getParent());
        Files.write(file, dev.muse.media.WavWriter.pcm16(new dev.muse.media.Audio(withPause, 16000)));
        return file;
    }

    private static void scenario(String name, String base, String argument) throws Exception {
        scenario(name, base, argument, (line, reply) -> { });
    }

    private static void scenario(String name, String base, String argument, Conversation conversation) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("node", "e2e.mjs", name, base + "/", SCREENSHOTS.toAbsolutePath().toString());
        if (argument != null) builder.command().add(argument);
        builder.environment().put("MUSE_CHROMIUM", CHROMIUM.toString());
        // the fake microphone says jfk.wav's sentence (rather than Chromium's default beep)
        builder.environment().put("MUSE_FAKE_AUDIO", fakeMicrophone().toString());
        Process node = builder.directory(NODE_DIR.toFile()).redirectErrorStream(true).start();
        boolean[] timedOut = {false};
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                if (!node.waitFor(180, TimeUnit.SECONDS)) {
                    timedOut[0] = true;
                    node.destroyForcibly();
                }
            } catch (InterruptedException e) {
                node.destroyForcibly();
            }
        });
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
             Writer reply = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
            for (String line; (line = lines.readLine()) != null; ) {
                output.append(line).append('\n');
                conversation.onLine(line, reply);
            }
        }
        watchdog.join();
        if (timedOut[0]) fail("the " + name + " scenario did not finish in 3 minutes:\n" + output);
        System.out.print(output); // kept in the surefire report: the screenshot paths
        assertEquals(0, node.exitValue(), "the " + name + " scenario failed:\n" + output);
    }
}
