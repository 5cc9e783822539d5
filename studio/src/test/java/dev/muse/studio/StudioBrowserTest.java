package dev.muse.studio;

import dev.muse.engine.GgmlType;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Muse Studio's conversations in a real browser ({@link BrowserScenario}) against the server running in this JVM:
 * streaming, stopping, history, attachments, vision, rendering, keyboard use, long chats, API keys and a restart.
 * The microphone, the drawing canvas and the first run are in {@link StudioMediaBrowserTest}, which a second test
 * JVM runs beside this one.
 */
class StudioBrowserTest {
    @TempDir static Path dir;
    static Path models;
    static StudioTestServer server;

    @BeforeAll
    static void start() throws IOException {
        BrowserScenario.requireBrowser();
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
     * A tiny random Qwen3 whose template opens the thought (as DeepSeek-R1's distills do), on a server of its own: its
     * thought apart from its answer, then a contemplation's sub-agents in lanes.
     */
    @Test
    void aReasoningModelsThoughtIsShownApartFromItsAnswer() throws Exception {
        Path reasoning = Files.createDirectories(dir.resolve("reasoning-models"));
        new TinyModel(TinyFamily.QWEN3, GgmlType.Q8_0, 77).write(reasoning.resolve("tiny-reasoner.gguf"), m -> {
            m.putString("tokenizer.chat_template",
                    "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}<|im_start|>assistant\n<think>\n");
            m.putUInt32("qwen3.context_length", 1024); // room for a contemplation's conclusions (RoPE has no limit)
        });
        try (StudioTestServer reasoner = new StudioTestServer(reasoning, Files.createDirectories(dir.resolve("reasoning-data")), false)) {
            scenario("thinking", reasoner.base(), null);
            scenario("contemplating", reasoner.base(), null);
        }
    }

    /** The scenario asks for the server to go down and come back on the same port, with the same store. */
    @Test
    void reconnectAfterAServerRestart() throws Exception {
        Path data = Files.createDirectories(dir.resolve("restarting"));
        StudioTestServer[] current = {new StudioTestServer(models, data, false)};
        int port = current[0].server.port();
        try {
            BrowserScenario.run("reconnect", current[0].base(), null, (line, reply) -> {
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

    private static void scenario(String name, String base, String argument) throws Exception {
        BrowserScenario.run(name, base, argument);
    }
}
