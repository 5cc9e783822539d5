package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.engine.GgmlType;
import dev.muse.runtime.Engine;
import dev.muse.runtime.Scheduler;
import dev.muse.safety.GuardPrompt;
import dev.muse.safety.GuardVerdict;
import dev.muse.server.openai.Json;
import dev.muse.server.store.Store;
import dev.muse.server.store.StoreConfig;
import dev.muse.testkit.NsfwReference;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Screening a chat's answer as it streams and at its end, through the real server, with a guard that flags every
 * answer of {@code FLAGGED} characters or more and passes every question (a trained guard is not reachable here, and a
 * random one writes no verdict): the answer stops with finish reason content_filter, its text cut back to what was found
 * safe, the reason as OpenAI's refusal, in a whole answer, in a stream, and in the stored turn.
 */
class ScreeningTest {
    static final int FLAGGED = 40;
    @TempDir Path dir;

    static String post(MuseServer server, String path, String json) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aFlaggedAnswerStopsWithContentFilterAndItsRefusal() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        new TinyModel(TinyFamily.LLAMA2, GgmlType.Q8_0, 31).write(models.resolve("tiny-chat.gguf"));
        new TinyModel(TinyFamily.LLAMA2, GgmlType.Q8_0, 32).write(models.resolve("llama-guard-3-1b-fake.gguf")); // named so; the verdicts are the test's
        NsfwReference.install(models); // safety on needs the image classifier too
        List<String> checked = new java.util.concurrent.CopyOnWriteArrayList<>();
        Screening.Guard guard = (model, turns) -> {
            GuardPrompt.Turn last = turns.getLast();
            checked.add((last.user() ? "user: " : "agent: ") + last.content().length());
            return GuardVerdict.parse(!last.user() && last.content().length() >= FLAGGED ? "unsafe\nS1,S10" : "safe", Double.NaN);
        };
        try (Engine engine = new Engine(new Engine.Config(List.of(), models, 1L << 30, new Scheduler.Options(2, 1024, 64)));
             Store store = Store.open(StoreConfig.sqlite(dir.resolve("muse.db")));
             MuseServer server = new MuseServer(new MuseServer.Config("127.0.0.1", 0, false, k -> Optional.empty(), 1 << 20, 2048, 4, 600, false,
                     MuseServer.Connections.defaults(), MuseServer.Safety.ON), engine, store, guard)) {
            String ask = "{\"model\": \"tiny-chat\", \"messages\": [{\"role\": \"user\", \"content\": \"Tell me a story.\"}], \"max_tokens\": 60, \"temperature\": 0";
            JsonNode whole = Json.MAPPER.readTree(post(server, "/v1/chat/completions", ask + "}"));
            JsonNode choice = whole.get("choices").get(0);
            assertEquals("content_filter", choice.get("finish_reason").asText(), whole.toString());
            assertEquals("The answer was stopped by this server's safety screening (llama-guard-3-1b-fake: S1 Violent Crimes, S10 Hate)",
                    choice.get("message").get("refusal").asText());
            assertTrue(choice.get("message").get("content").asText().length() < FLAGGED, "only what was found safe is kept: " + choice);
            assertTrue(checked.contains("user: 16"), "the question was screened first: " + checked);

            String stream = post(server, "/v1/chat/completions", ask + ", \"stream\": true}");
            assertTrue(stream.contains("\"finish_reason\":\"content_filter\""), stream);
            assertTrue(stream.contains("\"refusal\":\"The answer was stopped by this server's safety screening"), stream);

            // a long answer is screened while it streams, every window, and stopped there rather than at its end
            checked.clear();
            JsonNode longer = Json.MAPPER.readTree(post(server, "/v1/chat/completions",
                    "{\"model\": \"tiny-chat\", \"messages\": [{\"role\": \"user\", \"content\": \"Tell me a long story.\"}], \"max_tokens\": 240, \"temperature\": 0}"));
            assertNotNull(longer.get("choices"), longer.toString());
            assertEquals("content_filter", longer.get("choices").get(0).get("finish_reason").asText(), longer.toString());
            assertTrue(longer.get("usage").get("completion_tokens").asInt() < 240, "stopped early: " + longer.get("usage"));
            assertTrue(checked.stream().anyMatch(c -> c.startsWith("agent: ") && Integer.parseInt(c.substring(7)) >= Screening.Output.WINDOW),
                    "checked at a window, before the end: " + checked);

            // stored: the reply keeps the safe text and says why it stopped
            JsonNode conversation = Json.MAPPER.readTree(post(server, "/v1/conversations", "{\"model\": \"tiny-chat\"}"));
            String id = conversation.get("id").asText();
            post(server, "/v1/chat/completions", "{\"conversation_id\": \"" + id + "\", \"model\": \"tiny-chat\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 60, \"temperature\": 0}");
            JsonNode stored = Json.MAPPER.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/v1/conversations/" + id)).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
            JsonNode reply = stored.get("messages").get(1);
            assertTrue(reply.get("refusal").asText().contains("S1 Violent Crimes, S10 Hate"), stored.toString());
            assertEquals("complete", reply.get("status").asText());

            // the audit trail: each block, newest first, its stage and hazards, never the content
            JsonNode audit = Json.MAPPER.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/v1/moderations/audit")).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
            assertEquals(4, audit.get("data").size(), audit.toString());
            JsonNode newest = audit.get("data").get(0);
            assertEquals("output", newest.get("stage").asText());
            assertEquals("S1,S10", newest.get("hazards").asText());
            assertEquals("llama-guard-3-1b-fake", newest.get("guard_model").asText());
            assertEquals(id, newest.get("conversation_id").asText());
            assertFalse(audit.toString().contains("Tell me"), "the blocked content is not kept");
            assertEquals("blocked", newest.get("action").asText());
        }
    }

    @Test
    void aKeysPolicyMayLetAHazardThroughAndOnlyRecordIt() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        new TinyModel(TinyFamily.LLAMA2, GgmlType.Q8_0, 31).write(models.resolve("tiny-chat.gguf"));
        new TinyModel(TinyFamily.LLAMA2, GgmlType.Q8_0, 32).write(models.resolve("llama-guard-3-1b-fake.gguf"));
        NsfwReference.install(models);
        Screening.Guard guard = (model, turns) -> GuardVerdict.parse(!turns.getLast().user() && turns.getLast().content().length() >= FLAGGED ? "unsafe\nS1,S10" : "safe", Double.NaN);
        try (Engine engine = new Engine(new Engine.Config(List.of(), models, 1L << 30, new Scheduler.Options(2, 1024, 64)));
             Store store = Store.open(StoreConfig.sqlite(dir.resolve("muse.db")))) {
            String lenient = store.keys().create("fiction", false, false, false, "S1=flag,S10=flag").secret(), strict = store.keys().create("kids").secret();
            try (MuseServer server = new MuseServer(new MuseServer.Config("127.0.0.1", 0, true, k -> store.keys().authenticate(k), 1 << 20, 2048, 4, 600, false,
                    MuseServer.Connections.defaults(), MuseServer.Safety.ON), engine, store, guard)) {
                String ask = "{\"model\": \"tiny-chat\", \"messages\": [{\"role\": \"user\", \"content\": \"Tell me a story.\"}], \"max_tokens\": 60, \"temperature\": 0}";
                JsonNode let = send(server, "POST", "/v1/chat/completions", ask, lenient);
                assertNotEquals("content_filter", let.get("choices").get(0).get("finish_reason").asText(), let.toString());
                assertTrue(let.get("choices").get(0).get("message").get("refusal").isNull());
                JsonNode stopped = send(server, "POST", "/v1/chat/completions", ask, strict);
                assertEquals("content_filter", stopped.get("choices").get(0).get("finish_reason").asText(), stopped.toString());
                JsonNode flagged = send(server, "GET", "/v1/moderations/audit", null, lenient).get("data");
                assertEquals(1, flagged.size(), flagged.toString());
                assertEquals("flagged", flagged.get(0).get("action").asText());
                assertEquals("S1,S10", flagged.get(0).get("hazards").asText());
                JsonNode blocked = send(server, "GET", "/v1/moderations/audit", null, strict).get("data");
                assertEquals(1, blocked.size(), "each key sees its own: " + blocked);
                assertEquals("blocked", blocked.get(0).get("action").asText());
            }
        }
    }

    static JsonNode send(MuseServer server, String method, String path, String json, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return Json.MAPPER.readTree(HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString()).body());
    }
}
