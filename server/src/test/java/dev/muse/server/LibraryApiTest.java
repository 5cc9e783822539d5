package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.engine.GgmlType;
import dev.muse.server.openai.Json;
import dev.muse.testkit.FakeHub;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model library over HTTP, against a local {@link FakeHub}: the starter chat model is listed, pulled with its
 * progress streamed, then offered and answering; pulls are admin-only, name library models only, and a second request
 * follows the download under way instead of starting another.
 */
class LibraryApiTest {
    private static final String REPO = "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF", FILE = "smollm2-135m-instruct-q8_0.gguf";

    @TempDir Path dir;
    FakeHub hub;
    byte[] model;

    @BeforeEach
    void serveTheStarterModel() throws Exception {
        Path file = new TinyModel(TinyFamily.LLAMA2, GgmlType.Q8_0, 5).write(dir.resolve("upstream.gguf"),
                m -> m.putString("tokenizer.chat_template", TestServer.TEMPLATE));
        model = Files.readAllBytes(file);
        hub = FakeHub.start().serve(REPO, FILE, model);
        System.setProperty("muse.hf.endpoint", hub.endpoint().toString());
    }

    @AfterEach
    void stopTheHub() {
        System.clearProperty("muse.hf.endpoint");
        hub.close();
    }

    @Test
    void theStarterChatModelIsPulledWithItsProgressShownThenAnswers() throws Exception {
        try (TestServer s = new TestServer(dir.resolve("server"))) {
            JsonNode starter = starter(TestServer.json(s.get("/v1/library")));
            assertEquals("smollm2-135m-instruct", starter.get("id").asText());
            assertFalse(starter.get("pulled").asBoolean());
            assertFalse(starter.get("sees_images").asBoolean());
            assertEquals("smollm2-135m-instruct-q8_0", starter.get("model_id").asText());

            List<JsonNode> events = pull(s, "smollm2-135m-instruct", null);
            JsonNode last = events.getLast();
            assertEquals("done", last.get("status").asText(), events.toString());
            assertEquals("smollm2-135m-instruct-q8_0", last.get("id").asText());
            assertEquals(model.length, last.get("completed_bytes").asLong());
            assertEquals(model.length, last.get("total_bytes").asLong());
            assertTrue(events.stream().allMatch(e -> e.get("object").asText().equals("library.pull")), events.toString());

            assertTrue(starter(TestServer.json(s.get("/v1/library"))).get("pulled").asBoolean());
            HttpResponse<String> listed = s.get("/v1/models/smollm2-135m-instruct-q8_0");
            assertEquals(200, listed.statusCode(), listed.body());
            HttpResponse<String> answer = s.post("/v1/chat/completions",
                    "{\"model\":\"smollm2-135m-instruct-q8_0\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(TestServer.json(s.get("/v1/models/smollm2-135m-instruct-q8_0")).get("chat_template").asBoolean());

            assertEquals("done", pull(s, "smollm2-135m-instruct", null).getLast().get("status").asText(), "pulling it again is a quick no-op");
        }
    }

    @Test
    void onlyLibraryModelsAndOnlyWithAnAdminKey() throws Exception {
        try (TestServer s = new TestServer(dir.resolve("server"), true)) {
            String user = s.store.keys().create("user").secret();
            HttpResponse<String> plain = s.send("POST", "/v1/library/pull", "{\"model\":\"smollm2-135m-instruct\"}", user);
            assertEquals(403, plain.statusCode(), plain.body());
            assertEquals("insufficient_permissions", TestServer.json(plain).get("error").get("code").asText());
            assertEquals(401, s.send("GET", "/v1/library", null, null).statusCode());

            String admin = s.store.keys().create("ops", true).secret();
            for (String body : List.of("{\"model\":\"hf:evil/repo/x.gguf\"}", "{\"model\":\"../../etc/passwd\"}", "{}", "{\"model\":7}")) {
                HttpResponse<String> r = s.send("POST", "/v1/library/pull", body, admin);
                assertEquals(400, r.statusCode(), body + " -> " + r.body());
                assertEquals("model", TestServer.json(r).get("error").get("param").asText(), r.body());
            }
            assertTrue(hub.requests().isEmpty(), "nothing was asked of the hub");
        }
    }

    @Test
    void aFileThatIsNotWhatTheHubAnnouncedFailsAndAddsNothing() throws Exception {
        hub.announcing("ab".repeat(32));
        try (TestServer s = new TestServer(dir.resolve("server"))) {
            JsonNode last = pull(s, "smollm2-135m-instruct", null).getLast();
            assertEquals("pull_failed", last.get("error").get("code").asText(), last.toString());
            assertTrue(last.get("error").get("message").asText().contains("SHA-256 mismatch"), last.toString());
            assertFalse(starter(TestServer.json(s.get("/v1/library"))).get("pulled").asBoolean());
            assertEquals(404, s.get("/v1/models/smollm2-135m-instruct-q8_0").statusCode());
        }
    }

    @Test
    void aSecondRequestFollowsTheDownloadUnderWay() throws Exception {
        hub.stallingAfter(model.length / 2, Duration.ofMillis(1500));
        try (TestServer s = new TestServer(dir.resolve("server"))) {
            CompletableFuture<List<JsonNode>> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return pull(s, "smollm2-135m-instruct", null);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            JsonNode underWay = null;
            for (int i = 0; i < 100 && underWay == null; i++) {
                underWay = starter(TestServer.json(s.get("/v1/library"))).get("pull");
                if (underWay == null) Thread.sleep(20);
            }
            assertNotNull(underWay, "the library shows the pull under way");
            assertEquals("downloading", underWay.get("status").asText());
            List<JsonNode> second = pull(s, "smollm2-135m-instruct", null);
            assertEquals("done", second.getLast().get("status").asText(), second.toString());
            assertEquals("done", first.get().getLast().get("status").asText());
            // The stall may make the puller resume with a Range request; a second download would start from byte 0 again.
            long starts = hub.requests().stream().filter(r -> r.path().contains("/resolve/") && r.range() == null).count();
            assertEquals(1, starts, "one download: " + hub.requests());
        }
    }

    private static JsonNode starter(JsonNode library) {
        for (JsonNode m : library.get("data")) if (m.get("starter_chat").asBoolean()) return m;
        throw new AssertionError("no starter chat model in " + library);
    }

    /** The events of a pull's stream, up to its [DONE]. */
    private static List<JsonNode> pull(TestServer s, String alias, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.base() + "/v1/library/pull"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + alias + "\"}"));
        if (key != null) b.header("Authorization", "Bearer " + key);
        HttpResponse<java.util.stream.Stream<String>> r = s.http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        assertEquals("text/event-stream; charset=utf-8", r.headers().firstValue("content-type").orElse(""));
        List<JsonNode> events = new ArrayList<>();
        boolean done = false;
        for (String line : (Iterable<String>) r.body()::iterator) {
            if (line.equals("data: [DONE]")) done = true;
            else if (line.startsWith("data: ")) events.add(Json.MAPPER.readTree(line.substring(6)));
        }
        assertTrue(done && !events.isEmpty(), "the stream ends with [DONE]: " + events);
        return events;
    }
}
