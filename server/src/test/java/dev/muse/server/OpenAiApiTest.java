package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.text.ChatMessage;
import dev.muse.server.openai.Json;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenAiApiTest {
    @TempDir static Path dir;
    static TestServer s;

    @BeforeAll static void start() throws Exception { s = new TestServer(dir); }

    @AfterAll static void stop() { s.close(); }

    static final String HELLO = "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hello there\"}]";

    @Test
    void greedyChatAnswersWhatTheEngineGeneratesAlone() throws Exception {
        var r = s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\"," + HELLO + ",\"max_tokens\":12,\"temperature\":0}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = TestServer.json(r);
        assertEquals("chat.completion", body.get("object").asText());
        JsonNode choice = body.get("choices").get(0);
        assertEquals("assistant", choice.get("message").get("role").asText());
        assertEquals("length", choice.get("finish_reason").asText());
        GreedyReference alone = GreedyReference.chat(s.model, TestServer.TEMPLATE,
                List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hello there")), 12);
        assertEquals(alone.text(), choice.get("message").get("content").asText());
        assertEquals(alone.prompt().length, body.get("usage").get("prompt_tokens").asInt());
        assertEquals(12, body.get("usage").get("completion_tokens").asInt());
        assertEquals(alone.prompt().length + 12, body.get("usage").get("total_tokens").asInt());
    }

    @Test
    void streamingSendsTheSameTextAsDeltasThenUsageThenDone() throws Exception {
        String whole = TestServer.json(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\"," + HELLO + ",\"max_tokens\":10,\"temperature\":0}"))
                .get("choices").get(0).get("message").get("content").asText();
        var r = s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\"," + HELLO
                + ",\"max_tokens\":10,\"temperature\":0,\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        List<String> events = new ArrayList<>();
        for (String line : r.body().split("\n")) if (line.startsWith("data: ")) events.add(line.substring(6));
        assertEquals("[DONE]", events.getLast());
        StringBuilder text = new StringBuilder();
        String finish = null;
        JsonNode usage = null;
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode chunk = Json.MAPPER.readTree(e);
            assertEquals("chat.completion.chunk", chunk.get("object").asText());
            if (chunk.get("choices").isEmpty()) usage = chunk.get("usage");
            else {
                JsonNode c = chunk.get("choices").get(0);
                text.append(c.get("delta").path("content").asText(""));
                if (!c.get("finish_reason").isNull()) finish = c.get("finish_reason").asText();
            }
        }
        assertEquals(whole, text.toString());
        assertEquals("length", finish);
        assertNotNull(usage);
        assertEquals(10, usage.get("completion_tokens").asInt());
        assertTrue(usage.get("prompt_tokens_details").get("cached_tokens").asInt() > 0, "the same prompt again reuses its KV cache");
    }

    @Test
    void severalChoicesLogprobsAndStopStrings() throws Exception {
        JsonNode body = TestServer.json(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\"," + HELLO
                + ",\"max_tokens\":6,\"n\":3,\"seed\":5,\"temperature\":1.5,\"logprobs\":true,\"top_logprobs\":3}"));
        assertEquals(3, body.get("choices").size());
        for (JsonNode c : body.get("choices")) {
            JsonNode content = c.get("logprobs").get("content");
            assertEquals(6, content.size());
            for (JsonNode t : content) {
                assertTrue(t.get("logprob").asDouble() <= 0);
                assertEquals(3, t.get("top_logprobs").size());
            }
        }
        String greedy = TestServer.json(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\"," + HELLO + ",\"max_tokens\":12,\"temperature\":0}"))
                .get("choices").get(0).get("message").get("content").asText();
        String stop = greedy.substring(4, 6);
        JsonNode stopped = TestServer.json(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\"," + HELLO
                + ",\"max_tokens\":12,\"temperature\":0,\"stop\":[" + Json.MAPPER.writeValueAsString(stop) + "]}")).get("choices").get(0);
        assertEquals(greedy.substring(0, greedy.indexOf(stop)), stopped.get("message").get("content").asText());
        assertEquals("stop", stopped.get("finish_reason").asText());
    }

    @Test
    void theModeFieldReachesTheChatTemplate() throws Exception {
        int plain = TestServer.json(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\"," + HELLO + ",\"max_tokens\":1}")).get("usage").get("prompt_tokens").asInt();
        int thinking = TestServer.json(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\"," + HELLO + ",\"max_tokens\":1,\"mode\":\"thinking\"}"))
                .get("usage").get("prompt_tokens").asInt();
        int instant = TestServer.json(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\"," + HELLO + ",\"max_tokens\":1,\"mode\":\"instant\"}"))
                .get("usage").get("prompt_tokens").asInt();
        assertEquals(plain, thinking, "thinking is the template's default");
        assertTrue(instant > plain, "instant closes an empty think block in the prompt");
        assertError(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\"," + HELLO + ",\"mode\":\"dreamy\"}"), 400, "mode", null);
    }

    @Test
    void textCompletionsTakeAStringOrTokenIds() throws Exception {
        JsonNode a = TestServer.json(s.post("/v1/completions", "{\"model\":\"tiny-chat\",\"prompt\":\"Once upon\",\"max_tokens\":5,\"temperature\":0,\"logprobs\":2}"));
        assertEquals("text_completion", a.get("object").asText());
        assertEquals(5, a.get("choices").get(0).get("logprobs").get("tokens").size());
        JsonNode b = TestServer.json(s.post("/v1/completions", "{\"model\":\"tiny-chat\",\"prompt\":[1, 100, 200],\"max_tokens\":5,\"temperature\":0}"));
        assertEquals(3, b.get("usage").get("prompt_tokens").asInt());
    }

    @Test
    void badRequestsGetOpenAiErrorsWithTheRightStatus() throws Exception {
        assertError(s.post("/v1/chat/completions", "{not json"), 400, null, null);
        assertError(s.post("/v1/chat/completions", "[1,2]"), 400, null, null);
        assertError(s.post("/v1/chat/completions", "{\"model\":\"missing\"," + HELLO + "}"), 404, "model", "model_not_found");
        assertError(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\"," + HELLO + ",\"temperature\":3}"), 400, "temperature", null);
        assertError(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\"," + HELLO + ",\"max_tokens\":0}"), 400, "max_tokens", null);
        assertError(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\"," + HELLO + ",\"top_logprobs\":2}"), 400, "top_logprobs", null);
        assertError(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\"}"), 400, "messages", "missing_required_parameter");
        assertError(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}"), 400, "messages[0].role", null);
        assertError(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:x\"}}]}]}"),
                400, "messages[0].content", "unsupported_content");
        String longText = "story ".repeat(2100);
        assertError(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + longText + "\"}]}"),
                400, "messages", "context_length_exceeded");
        assertError(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\"," + HELLO + ",\"max_tokens\":2040}"), 400, "messages", "context_length_exceeded");
        assertError(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(9 << 20) + "\"}]}"),
                413, null, "request_too_large");
        assertError(s.get("/v1/nowhere"), 404, null, "not_found");
        assertError(s.post("/v1/models/missing/unload", ""), 404, "model", "model_not_found");
    }

    @Test
    void modelsListLoadAndUnload() throws Exception {
        s.post("/v1/completions", "{\"model\":\"tiny-chat\",\"prompt\":\"a\",\"max_tokens\":1}");
        JsonNode list = TestServer.json(s.get("/v1/models"));
        assertEquals("list", list.get("object").asText());
        JsonNode m = list.get("data").get(0);
        assertEquals("tiny-chat", m.get("id").asText());
        assertTrue(m.get("loaded").asBoolean());
        assertEquals(TestServer.CONTEXT, m.get("context_length").asInt());
        assertTrue(TestServer.json(s.post("/v1/models/tiny-chat/unload", "")).get("unloaded").asBoolean());
        assertFalse(TestServer.json(s.get("/v1/models/tiny-chat")).get("loaded").asBoolean());
        assertEquals(200, s.post("/v1/completions", "{\"model\":\"tiny-chat\",\"prompt\":\"a\",\"max_tokens\":1}").statusCode(), "loads again on use");
    }

    @Test
    void concurrentClientsAllFinishAndAClosedStreamFreesItsSlot() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String q = "{\"model\":\"tiny-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"question " + i + "\"}],\"max_tokens\":16}";
                all.add(pool.submit(() -> s.post("/v1/chat/completions", q)));
            }
            for (var f : all) assertEquals(200, f.get().statusCode(), f.get().body());
        }
        long generatedBefore = completionTokens();
        HttpRequest endless = HttpRequest.newBuilder(URI.create(s.base() + "/v1/chat/completions")).POST(HttpRequest.BodyPublishers.ofString(
                "{\"model\":\"tiny-chat\"," + HELLO + ",\"max_tokens\":1900,\"stream\":true}")).build();
        HttpResponse<InputStream> r = s.http.send(endless, HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader reader = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        String first = reader.readLine();
        assertTrue(first.startsWith("data: "), first);
        r.body().close(); // the client goes away mid-stream
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!s.get("/metrics").body().contains("muse_running_sequences{model=\"tiny-chat\"} 0")) {
            assertTrue(System.nanoTime() < deadline, "the cancelled sequence still runs:\n" + s.get("/metrics").body());
            Thread.sleep(50);
        }
        assertTrue(completionTokens() - generatedBefore < 1000, "generation stopped when the client left");
        String metrics = s.get("/metrics").body();
        assertTrue(metrics.contains("muse_requests_total{endpoint=\"/v1/chat/completions\",status=\"200\"}"), metrics);
        assertTrue(metrics.contains("muse_time_to_first_token_seconds_count{model=\"tiny-chat\"}"), metrics);
        assertTrue(metrics.contains("muse_queue_depth{model=\"tiny-chat\"} 0"), metrics);
    }

    @Test
    void aBusyPortIsOneClearError() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             dev.muse.server.store.Store store = dev.muse.server.store.Store.open(dev.muse.server.store.StoreConfig.sqlite(dir.resolve("busy.db")))) {
            int port = taken.getLocalPort();
            var engine = new dev.muse.runtime.Engine(new dev.muse.runtime.Engine.Config(List.of(), null, 1L << 20,
                    dev.muse.runtime.Scheduler.Options.serving(1, 64)));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new MuseServer(MuseServer.Config.local(port), engine, store));
            assertEquals("port " + port + " on 127.0.0.1 is in use (another Muse?); try --port " + (port + 1), e.getMessage());
        }
    }

    @Test
    void healthNeedsNothingAndAPublicBindNeedsKeys() throws Exception {
        assertEquals("ok", TestServer.json(s.get("/health")).get("status").asText());
        assertThrows(IllegalArgumentException.class, () -> new MuseServer.Config("0.0.0.0", 0, false, k -> java.util.Optional.empty(), 1, 1, 1, 1, false));
    }

    /** The completion tokens the server has generated so far, from /metrics. */
    static long completionTokens() throws Exception {
        for (String line : s.get("/metrics").body().split("\n"))
            if (line.startsWith("muse_completion_tokens_total{model=\"tiny-chat\"}")) return Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
        return 0;
    }

    @Test
    void embeddingsComeFromModelsThatDeclarePooling() throws Exception {
        java.nio.file.Path models = dir.resolve("models");
        new dev.muse.testkit.TinyModel(dev.muse.testkit.TinyFamily.LLAMA2, dev.muse.engine.GgmlType.F32, 4)
                .write(models.resolve("tiny-embed.gguf"), m -> m.putUInt32("llama.pooling_type", 1));
        JsonNode r = TestServer.json(s.post("/v1/embeddings", "{\"model\":\"tiny-embed\",\"input\":[\"first text\",\"second text\"]}"));
        assertEquals(2, r.get("data").size());
        double norm = 0;
        for (JsonNode v : r.get("data").get(0).get("embedding")) norm += v.asDouble() * v.asDouble();
        assertEquals(1.0, norm, 1e-4);
        assertEquals(256, r.get("data").get(1).get("embedding").size());
        assertTrue(r.get("usage").get("prompt_tokens").asInt() > 2);
        JsonNode b64 = TestServer.json(s.post("/v1/embeddings", "{\"model\":\"tiny-embed\",\"input\":\"first text\",\"encoding_format\":\"base64\"}"));
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(java.util.Base64.getDecoder().decode(b64.get("data").get(0).get("embedding").asText()))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(r.get("data").get(0).get("embedding").get(3).asDouble(), bytes.getFloat(12), 1e-7, "base64 holds the same little-endian floats");
        assertError(s.post("/v1/embeddings", "{\"model\":\"tiny-chat\",\"input\":\"x\"}"), 400, "model", "model_not_embedding");
        assertError(s.post("/v1/embeddings", "{\"model\":\"tiny-embed\"}"), 400, "input", "missing_required_parameter");
    }

    /** The embedder Muse carries, through the official client: OpenAI's model name stands for it; related texts lie closer. */
    @Test
    void theCarriedEmbedderAnswersTheOfficialClient() throws Exception {
        JsonNode seen = Json.MAPPER.readTree(OpenAiClient.run("embeddings.mjs", 120, s.base() + "/v1"));
        assertEquals("all-minilm-l6-v2", seen.get("model").asText(), seen.toString());
        assertEquals(3, seen.get("count").asInt());
        assertEquals(384, seen.get("dimensions").asInt());
        assertEquals(1.0, seen.get("norm").asDouble(), 1e-4);
        assertTrue(seen.get("related").asDouble() > seen.get("unrelated").asDouble() + 0.3, seen.toString());
        assertTrue(seen.get("usage").get("prompt_tokens").asInt() >= 3 * 3);
        assertEquals("[[\"embedding\"]]", seen.get("listed").toString());
        assertError(s.post("/v1/embeddings", "{\"model\":\"all-minilm-l6-v2\",\"input\":[[101, 99999, 102]]}"), 400, "input", null);
    }

    static void assertError(HttpResponse<String> r, int status, String param, String code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode error = TestServer.json(r).get("error");
        assertNotNull(error, r.body());
        assertFalse(error.get("message").asText().isEmpty());
        assertTrue(error.has("type") && error.has("param") && error.has("code"), r.body());
        if (param != null) assertEquals(param, error.get("param").asText(), r.body());
        if (code != null) assertEquals(code, error.get("code").asText(), r.body());
    }
}
