package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.engine.GgmlType;
import dev.muse.runtime.Engine;
import dev.muse.runtime.Scheduler;
import dev.muse.server.openai.Json;
import dev.muse.server.store.Store;
import dev.muse.server.store.StoreConfig;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reasoning model's thought over HTTP: {@code reasoning_content} in the message and in stream deltas (before the
 * content's), stored with a conversation's reply, and closed by {@code reasoning_effort} / {@code reasoning_budget}.
 * The model is a tiny random Qwen3 (the real vocabulary: {@code <think>} and {@code </think>} are single tokens) behind
 * a template that opens the thought in the prompt, as DeepSeek-R1's distills do; random weights never close a thought
 * themselves, so what the budget's closing ends is all the thought there is.
 */
class ReasoningApiTest {
    static final String TEMPLATE = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
            + "<|im_start|>assistant\n<think>\n";
    static final String CLOSING_WORDS = "I have to give the solution based on the thinking directly now.";

    @TempDir static Path dir;
    static MuseServer server;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        new TinyModel(TinyFamily.QWEN3, GgmlType.Q8_0, 77).write(models.resolve("reasoner.gguf"),
                m -> m.putString("tokenizer.chat_template", TEMPLATE));
        Engine engine = new Engine(new Engine.Config(List.of(), models, 1L << 30, new Scheduler.Options(2, 512, 64)));
        server = new MuseServer(MuseServer.Config.local(0), engine, Store.open(StoreConfig.sqlite(dir.resolve("muse.db"))));
    }

    @AfterAll
    static void stop() { server.close(); }

    static HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String ask(String extra) {
        return "{\"model\":\"reasoner\",\"max_tokens\":40,\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"What is 12 times 3?\"}]"
                + extra + "}";
    }

    @Test
    void theThoughtComesApartFromTheAnswerWholeAndStreamed() throws Exception {
        HttpResponse<String> whole = post("/v1/chat/completions", ask(",\"reasoning_budget\":6"));
        assertEquals(200, whole.statusCode(), whole.body());
        JsonNode message = Json.MAPPER.readTree(whole.body()).get("choices").get(0).get("message");
        String thought = message.get("reasoning_content").asText(), answer = message.get("content").asText();
        assertTrue(thought.endsWith(CLOSING_WORDS), thought);
        assertFalse(thought.contains("think>") || answer.contains("think>"), whole.body());
        assertFalse(answer.isBlank(), "the answer follows the closed thought: " + whole.body());

        HttpResponse<String> streamed = post("/v1/chat/completions", ask(",\"reasoning_budget\":6,\"stream\":true"));
        assertEquals(200, streamed.statusCode(), streamed.body());
        StringBuilder streamedThought = new StringBuilder(), streamedAnswer = new StringBuilder();
        List<JsonNode> deltas = new ArrayList<>();
        for (String line : streamed.body().split("\n")) {
            if (!line.startsWith("data: {")) continue;
            JsonNode choices = Json.MAPPER.readTree(line.substring(6)).get("choices");
            if (!choices.isEmpty()) deltas.add(choices.get(0).get("delta"));
        }
        assertEquals("assistant", deltas.getFirst().path("role").asText(), "the first chunk names the role");
        assertEquals(1, deltas.stream().filter(d -> d.has("role")).count(), "only the first");
        for (JsonNode delta : deltas) {
            if (delta.has("reasoning_content")) {
                assertEquals(0, streamedAnswer.length(), "no thought after the answer began");
                streamedThought.append(delta.get("reasoning_content").asText());
            }
            if (delta.has("content")) streamedAnswer.append(delta.get("content").asText());
        }
        assertEquals(thought, streamedThought.toString(), "greedy: the same thought streamed");
        assertEquals(answer, streamedAnswer.toString());
    }

    @Test
    void aConversationKeepsTheThoughtWithTheReply() throws Exception {
        HttpResponse<String> created = post("/v1/conversations", "{\"title\":\"sums\"}");
        String id = Json.MAPPER.readTree(created.body()).get("id").asText();
        HttpResponse<String> reply = post("/v1/chat/completions", ask(",\"reasoning_effort\":\"minimal\",\"stream\":true,\"conversation_id\":\"" + id + "\""));
        assertEquals(200, reply.statusCode(), reply.body());
        JsonNode conversation = Json.MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/v1/conversations/" + id)).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
        JsonNode assistant = conversation.get("messages").get(1);
        assertEquals("assistant", assistant.get("role").asText());
        assertTrue(assistant.get("reasoning_content").asText().endsWith(CLOSING_WORDS), assistant.toString());
        assertFalse(assistant.get("content").asText().contains("think>"), assistant.toString());
        assertFalse(conversation.get("messages").get(0).has("reasoning_content"), "the user's turn has none");
    }

    @Test
    void badReasoningSettingsAreRefusedNamingTheField() throws Exception {
        HttpResponse<String> effort = post("/v1/chat/completions", ask(",\"reasoning_effort\":\"enormous\""));
        assertEquals(400, effort.statusCode(), effort.body());
        assertEquals("reasoning_effort", Json.MAPPER.readTree(effort.body()).get("error").get("param").asText());
        HttpResponse<String> both = post("/v1/chat/completions", ask(",\"reasoning_effort\":\"low\",\"reasoning_budget\":10"));
        assertEquals(400, both.statusCode(), both.body());
        HttpResponse<String> zero = post("/v1/chat/completions", ask(",\"reasoning_budget\":0"));
        assertEquals("reasoning_budget", Json.MAPPER.readTree(zero.body()).get("error").get("param").asText(), zero.body());
    }

    @Test
    void theOfficialClientReadsTheThoughtApart() throws Exception {
        String out = OpenAiClient.run("reasoning.mjs", 120, "http://127.0.0.1:" + server.port() + "/v1", "reasoner");
        JsonNode seen = Json.MAPPER.readTree(out);
        for (String how : List.of("whole", "streamed")) {
            assertTrue(seen.get(how).get("reasoning").asText().endsWith(CLOSING_WORDS), how + ": " + out);
            assertFalse(seen.get(how).get("content").asText().isBlank(), how + ": " + out);
        }
        assertEquals(seen.get("whole").get("content"), seen.get("streamed").get("content"), out);
        assertEquals("[\"reasoning\",\"content\"]", seen.get("streamed").get("order").toString(), "the thought streams first, then the answer");
        assertEquals(400, seen.get("error").get("status").asInt(), out);
        assertEquals("reasoning_effort", seen.get("error").get("param").asText(), out);
    }
}
