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
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contemplating over HTTP, with the official openai client: the sub-agents' work in each chunk's {@code contemplation}
 * object and in the whole answer's, the answer as ordinary content after it. The model is a tiny random Qwen3 behind
 * Qwen3's way of turning thinking off, so each sub-agent's thought is opened by its perspective and closed by the budget.
 */
class ContemplationApiTest {
    static final String TEMPLATE = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}<|im_start|>assistant\n"
            + "{% if enable_thinking is defined and enable_thinking is false %}<think>\n\n</think>\n\n{% endif %}";

    @TempDir static Path dir;
    static MuseServer server;

    @BeforeAll
    static void start() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        new TinyModel(TinyFamily.QWEN3, GgmlType.Q8_0, 77).write(models.resolve("thinker.gguf"), m -> {
            m.putString("tokenizer.chat_template", TEMPLATE);
            m.putUInt32("qwen3.context_length", 1024); // room for the conclusions
        });
        Engine engine = new Engine(new Engine.Config(java.util.List.of(), models, 1L << 30, new Scheduler.Options(4, 1024, 64)));
        server = new MuseServer(MuseServer.Config.local(0), engine, Store.open(StoreConfig.sqlite(dir.resolve("muse.db"))));
    }

    @AfterAll
    static void stop() { server.close(); }

    static HttpResponse<String> post(String json) throws Exception {
        return ReasoningApiTest.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port()
                        + "/v1/chat/completions")).header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String ask(String extra) {
        return "{\"model\":\"thinker\",\"max_tokens\":48,\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"What is 12 times 3?\"}]"
                + extra + "}";
    }

    @Test
    void theWholeAnswerSummarisesEverySubAgent() throws Exception {
        HttpResponse<String> whole = post(ask(",\"mode\":\"contemplating\",\"agents\":2,\"reasoning_budget\":8"));
        assertEquals(200, whole.statusCode(), whole.body());
        JsonNode body = Json.MAPPER.readTree(whole.body());
        JsonNode agents = body.get("contemplation").get("agents");
        assertEquals(2, agents.size(), whole.body());
        for (JsonNode a : agents) {
            assertFalse(a.get("perspective").asText().isBlank());
            assertTrue(a.get("reasoning_content").asText().endsWith(ReasoningApiTest.CLOSING_WORDS), a.toString());
            assertEquals("length", a.get("finish_reason").asText());
            assertEquals(48, a.get("completion_tokens").asInt());
        }
        JsonNode message = body.get("choices").get(0).get("message");
        assertFalse(message.get("content").asText().isEmpty(), whole.body());
        assertFalse(message.has("reasoning_content"), "the synthesis answers without a thought of its own");
        assertEquals(40, body.get("usage").get("completion_tokens").asInt() - 2 * 48,
                "every sub-agent's tokens count, and the answer has what max tokens leaves after the thought budget");
    }

    @Test
    void aConversationKeepsTheSubAgentsWorkWithTheReply() throws Exception {
        HttpResponse<String> created = ReasoningApiTest.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                + server.port() + "/v1/conversations")).header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                "{\"title\":\"sums\"}")).build(), HttpResponse.BodyHandlers.ofString());
        String id = Json.MAPPER.readTree(created.body()).get("id").asText();
        HttpResponse<String> reply = post(ask(",\"mode\":\"contemplating\",\"agents\":2,\"reasoning_budget\":8,\"stream\":true,\"conversation_id\":\"" + id + "\""));
        assertEquals(200, reply.statusCode(), reply.body());
        JsonNode conversation = Json.MAPPER.readTree(ReasoningApiTest.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                + server.port() + "/v1/conversations/" + id)).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
        JsonNode assistant = conversation.get("messages").get(1);
        JsonNode agents = assistant.get("contemplation").get("agents");
        assertEquals(2, agents.size(), assistant.toString());
        assertTrue(agents.get(1).get("reasoning_content").asText().endsWith(ReasoningApiTest.CLOSING_WORDS), assistant.toString());
        assertEquals("length", agents.get(0).get("finish_reason").asText());
        assertFalse(assistant.get("content").asText().isEmpty());
        assertFalse(conversation.get("messages").get(0).has("contemplation"), "the user's turn has none");
    }

    @Test
    void agentsAreForContemplatingOnlyAndItWritesOneChoice() throws Exception {
        HttpResponse<String> notContemplating = post(ask(",\"agents\":2"));
        assertEquals(400, notContemplating.statusCode());
        assertEquals("agents", Json.MAPPER.readTree(notContemplating.body()).get("error").get("param").asText());
        HttpResponse<String> tooMany = post(ask(",\"mode\":\"contemplating\",\"agents\":17"));
        assertEquals("agents", Json.MAPPER.readTree(tooMany.body()).get("error").get("param").asText(), tooMany.body());
        HttpResponse<String> twoChoices = post(ask(",\"mode\":\"contemplating\",\"n\":2"));
        assertEquals("n", Json.MAPPER.readTree(twoChoices.body()).get("error").get("param").asText(), twoChoices.body());
    }

    @Test
    void theOfficialClientSeesTheSubAgentsStreamThenTheAnswer() throws Exception {
        String out = OpenAiClient.run("contemplate.mjs", 120, "http://127.0.0.1:" + server.port() + "/v1", "thinker");
        JsonNode seen = Json.MAPPER.readTree(out);
        JsonNode streamed = seen.get("streamed");
        assertEquals(3, streamed.get("perspectives").size(), out);
        assertEquals("[\"agents\",\"content\"]", streamed.get("order").toString(), "the sub-agents' work first, then the answer");
        for (int i = 0; i < 3; i++) {
            JsonNode a = streamed.get("agents").get(String.valueOf(i));
            assertTrue(a.get("reasoning").asText().endsWith(ReasoningApiTest.CLOSING_WORDS), out);
            assertEquals("length", a.get("finish").asText(), out);
            assertEquals(seen.get("whole").get("agents").get(i).get("reasoning_content"), a.get("reasoning"), "greedy: the same thought streamed");
        }
        assertEquals(seen.get("whole").get("content"), streamed.get("content"), "greedy: the same answer streamed");
        assertEquals("length", streamed.get("finish").asText());
        assertEquals(400, seen.get("error").get("status").asInt(), out);
        assertEquals("n", seen.get("error").get("param").asText(), out);
    }
}
