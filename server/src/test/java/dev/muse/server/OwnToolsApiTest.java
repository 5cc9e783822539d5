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
import dev.muse.testkit.TinyPipeline;
import java.net.URI;
import java.net.http.HttpRequest;
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
 * Muse's own tools over HTTP with the official openai client: a tiny random Qwen2 behind Qwen 2.5's real template calls
 * the calculator or draws with a tiny random Stable Diffusion pipeline (the call required by name: random weights never
 * call by themselves); the engine runs the call, the steps come in the stream and the whole answer, and a conversation
 * keeps them with the reply.
 */
class OwnToolsApiTest {
    @TempDir static Path dir;
    static MuseServer server;

    @BeforeAll
    static void start() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        String qwen = Files.readString(Path.of(System.getProperty("muse.shared", "../../shared"), "llama.cpp-models", "templates", "Qwen-Qwen2.5-7B-Instruct.jinja"));
        new TinyModel(TinyFamily.QWEN2, GgmlType.Q8_0, 21).write(models.resolve("caller.gguf"), m -> {
            m.putString("tokenizer.chat_template", qwen);
            m.putUInt32("qwen2.context_length", 2048);
        });
        new TinyPipeline(GgmlType.F16, 1).write(models.resolve("tiny-sd"));
        Engine engine = new Engine(new Engine.Config(java.util.List.of(), models, 1L << 30, new Scheduler.Options(2, 2048, 256)));
        server = new MuseServer(MuseServer.Config.local(0), engine, Store.open(StoreConfig.sqlite(dir.resolve("muse.db"))));
    }

    @AfterAll
    static void stop() { server.close(); }

    static HttpResponse<String> send(String method, String path, String json) throws Exception {
        return ReasoningApiTest.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode client(String tool) throws Exception {
        Path client = Path.of(System.getProperty("muse.openai.client", "target/openai-node/client.mjs")).resolveSibling("own-tools.mjs");
        assertTrue(Files.isRegularFile(client), "the openai npm client is not installed beside " + client);
        Process node = new ProcessBuilder("node", client.toString(), "http://127.0.0.1:" + server.port() + "/v1", "caller", tool)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(180, TimeUnit.SECONDS), "node did not finish");
        assertEquals(0, node.exitValue(), out);
        return Json.MAPPER.readTree(out);
    }

    @Test
    void theCalculatorRunsAndTheAnswerGoesOn() throws Exception {
        JsonNode seen = client("calculator");
        for (String how : java.util.List.of("whole", "streamed")) {
            JsonNode steps = seen.get(how).get("steps");
            assertEquals(1, steps.size(), how + ": " + seen);
            assertEquals("calculator", steps.get(0).get("name").asText());
            assertFalse(steps.get(0).get("result").asText().isEmpty(), seen.toString());
            assertNotEquals("tool_calls", seen.get(how).get("finish").asText(), "Muse ran the call: the answer is not a client's call");
        }
        assertEquals(seen.get("whole").get("steps"), seen.get("streamed").get("steps"), "greedy: the same call streamed");
        assertEquals("step", seen.get("streamed").get("order").get(0).asText(), "the step comes before the answer's text");
    }

    @Test
    void aDrawingIsMadeForThePersonAndKeptWithTheConversation() throws Exception {
        JsonNode seen = client("generate_image");
        JsonNode step = seen.get("whole").get("steps").get(0);
        assertEquals("generate_image", step.get("name").asText(), seen.toString());
        assertTrue(step.get("result").asText().startsWith("Drew a "), step.toString());
        assertEquals("image/png", step.get("outputs").get(0).get("type").asText());
        assertTrue(step.get("outputs").get(0).get("bytes").asInt() > 100, step.toString());

        String id = Json.MAPPER.readTree(send("POST", "/v1/conversations", "{\"title\":\"draw\"}").body()).get("id").asText();
        HttpResponse<String> reply = send("POST", "/v1/chat/completions", "{\"model\":\"caller\",\"max_tokens\":600,\"parallel_tool_calls\":false,\"temperature\":0,\"stream\":true,"
                + "\"muse_tools\":[\"generate_image\"],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"generate_image\"}},"
                + "\"conversation_id\":\"" + id + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Draw a fox.\"}]}");
        assertEquals(200, reply.statusCode(), reply.body());
        JsonNode stored = Json.MAPPER.readTree(send("GET", "/v1/conversations/" + id, null).body()).get("messages").get(1);
        JsonNode steps = stored.get("tool_steps");
        assertEquals("generate_image", steps.get(0).get("name").asText(), stored.toString().substring(0, Math.min(400, stored.toString().length())));
        assertTrue(steps.get(0).get("outputs").get(0).get("b64_json").asText().length() > 100);
    }

    @Test
    void badOptInsAreRefusedNamingTheField() throws Exception {
        HttpResponse<String> unknown = send("POST", "/v1/chat/completions", "{\"model\":\"caller\",\"muse_tools\":[\"shell\"],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(400, unknown.statusCode());
        assertEquals("muse_tools", Json.MAPPER.readTree(unknown.body()).get("error").get("param").asText());
        HttpResponse<String> two = send("POST", "/v1/chat/completions", "{\"model\":\"caller\",\"muse_tools\":true,\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals("n", Json.MAPPER.readTree(two.body()).get("error").get("param").asText(), two.body());
        HttpResponse<String> notOffered = send("POST", "/v1/chat/completions", "{\"model\":\"caller\",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"calculator\"}},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals("tool_choice", Json.MAPPER.readTree(notOffered.body()).get("error").get("param").asText(), notOffered.body());
    }
}
