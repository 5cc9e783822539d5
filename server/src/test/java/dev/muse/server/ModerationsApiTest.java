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
 * whether moderation has a guard model, and without one the endpoint says so.
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
        }
    }
}
