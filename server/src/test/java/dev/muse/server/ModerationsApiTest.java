package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.engine.GgmlType;
import dev.muse.server.openai.Json;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /v1/moderations answered by a guard model in the cache (a random-weight Llama-Guard-shaped model: what it writes is no
 * verdict, so every input is flagged, as moderation fails closed), through the official openai client; /health says
 * whether moderation has a guard model, and without one the endpoint says so; chats are screened by it (safety auto),
 * a server with safety on does not start without one (nor without the image classifier), and with safety off nothing
 * is screened.
 */
class ModerationsApiTest {
    @TempDir Path dir;

    @Test
    void theOfficialClientGetsOneResultPerInputFromTheGuardModel() throws Exception {
        try (TestServer s = new TestServer(dir)) {
            JsonNode health = TestServer.json(s.get("/health"));
            assertTrue(health.get("safety").get("guard_model").isNull(), health.toString());
            assertTrue(health.get("safety").get("moderation").asText().startsWith("unavailable"), health.toString());
            HttpResponse<String> none = s.post("/v1/moderations", "{\"input\": \"hello\"}");
            assertEquals(400, none.statusCode());
            assertEquals("model_not_found", TestServer.json(none).get("error").get("code").asText(), none.body());

            new TinyModel(TinyFamily.LLAMA3, GgmlType.Q8_0, 41).write(dir.resolve("models/llama-guard-3-1b-tiny.gguf"));
            assertEquals("llama-guard-3-1b-tiny", TestServer.json(s.get("/health")).get("safety").get("guard_model").asText());
            JsonNode seen = Json.MAPPER.readTree(OpenAiClient.run("moderations.mjs", 120, s.base() + "/v1"));
            assertEquals("llama-guard-3-1b-tiny", seen.get("model").asText(), seen.toString());
            assertTrue(seen.get("id").asText().startsWith("modr-"));
            assertEquals(2, seen.get("results").size());
            for (JsonNode r : seen.get("results")) {
                assertTrue(r.get("flagged").asBoolean(), "no verdict is no pass: " + r);
                assertTrue(r.get("muse_unreadable_verdict").asBoolean(), r.toString());
                assertEquals(13, r.get("categories").size());
                assertEquals(13, r.get("category_scores").size());
                assertTrue(r.get("categories").has("sexual/minors") && r.get("category_scores").has("illicit/violent"));
            }
            assertEquals(404, seen.get("error").get("status").asInt(), seen.toString());

            HttpResponse<String> bad = s.post("/v1/moderations", "{\"input\": [{\"type\": \"image_url\", \"image_url\": {\"url\": \"x\"}}]}");
            assertEquals(400, bad.statusCode());
            assertEquals("input", TestServer.json(bad).get("error").get("param").asText());
            assertEquals(400, s.post("/v1/moderations", "{\"input\": []}").statusCode());

            // with a guard on offer (safety auto), a chat's last user turn is screened first: this guard writes no
            // verdict, so the turn is refused, as OpenAI refuses, before anything is generated
            HttpResponse<String> chat = s.post("/v1/chat/completions", "{\"model\": \"tiny-chat\", \"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}], \"max_tokens\": 4}");
            assertEquals(400, chat.statusCode(), chat.body());
            JsonNode error = TestServer.json(chat).get("error");
            assertEquals("content_policy_violation", error.get("code").asText());
            assertTrue(error.get("message").asText().contains("llama-guard-3-1b-tiny: the guard model's verdict could not be read"), error.toString());
            assertTrue(TestServer.json(s.get("/health")).get("safety").get("screening").asText().startsWith("auto: llama-guard-3-1b-tiny screens"));
        }
    }

    @Test
    void safetyOnRefusesToStartWithoutAGuardAndOffScreensNothing() throws Exception {
        Path models = java.nio.file.Files.createDirectories(dir.resolve("models"));
        new TinyModel(TinyFamily.LLAMA2, GgmlType.Q8_0, 31).write(models.resolve("tiny-chat.gguf"));
        try (dev.muse.runtime.Engine engine = new dev.muse.runtime.Engine(new dev.muse.runtime.Engine.Config(java.util.List.of(), models, 1L << 30,
                new dev.muse.runtime.Scheduler.Options(2, 256, 64)));
             dev.muse.server.store.Store store = dev.muse.server.store.Store.open(dev.muse.server.store.StoreConfig.sqlite(dir.resolve("muse.db")))) {
            IllegalStateException on = assertThrows(IllegalStateException.class, () -> new MuseServer(config(MuseServer.Safety.ON), engine, store));
            assertTrue(on.getMessage().contains("--safety off"), on.getMessage());
            new TinyModel(TinyFamily.LLAMA3, GgmlType.Q8_0, 41).write(models.resolve("llama-guard-3-1b-tiny.gguf"));
            IllegalStateException noClassifier = assertThrows(IllegalStateException.class, () -> new MuseServer(config(MuseServer.Safety.ON), engine, store));
            assertTrue(noClassifier.getMessage().contains("muse pull nsfw-mobilenet-v2"), noClassifier.getMessage());
            try (MuseServer off = new MuseServer(config(MuseServer.Safety.OFF), engine, store)) {
                assertTrue(off.screening().startsWith("off: chats are not screened (the operator's choice); llama-guard-3-1b-tiny answers"), off.screening());
                assertTrue(off.imageScreening().startsWith("off: pictures are not screened"), off.imageScreening());
                var http = java.net.http.HttpClient.newHttpClient();
                HttpResponse<String> chat = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + off.port() + "/v1/chat/completions"))
                        .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                "{\"model\": \"tiny-chat\", \"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}], \"max_tokens\": 4}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, chat.statusCode(), chat.body());
            }
        }
        // with the image classifier too, safety on starts (a server of its own: closing one closes its engine and store)
        dev.muse.testkit.NsfwReference.install(models);
        try (dev.muse.runtime.Engine engine = new dev.muse.runtime.Engine(new dev.muse.runtime.Engine.Config(java.util.List.of(), models, 1L << 30,
                new dev.muse.runtime.Scheduler.Options(2, 256, 64)));
             dev.muse.server.store.Store store = dev.muse.server.store.Store.open(dev.muse.server.store.StoreConfig.sqlite(dir.resolve("guarded.db")));
             MuseServer guarded = new MuseServer(config(MuseServer.Safety.ON), engine, store)) {
            assertTrue(guarded.imageScreening().startsWith("on: nsfw-mobilenet-v2 screens the pictures"), guarded.imageScreening());
        }
    }

    static MuseServer.Config config(MuseServer.Safety safety) {
        return new MuseServer.Config("127.0.0.1", 0, false, k -> java.util.Optional.empty(), 1 << 20, 256, 4, 600, false,
                MuseServer.Connections.defaults(), safety);
    }
}
