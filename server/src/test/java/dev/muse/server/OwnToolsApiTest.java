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
 * Muse's own tools over HTTP, the calculator with the official openai client: a tiny random Qwen2 behind Qwen 2.5's real
 * template calls the calculator or draws with a tiny random Stable Diffusion pipeline (the call required by name: random weights never
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
        String out = OpenAiClient.run("own-tools.mjs", 180, "http://127.0.0.1:" + server.port() + "/v1", "caller", tool);
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

    /** One drawing only (a tiny pipeline still draws 512x512 in 20 steps): streamed into a conversation whose settings ask for the tools. */
    @Test
    void aDrawingIsMadeForThePersonAndKeptWithTheConversation() throws Exception {
        String id = Json.MAPPER.readTree(send("POST", "/v1/conversations", "{\"title\":\"draw\",\"settings\":{\"muse_tools\":true}}").body()).get("id").asText();
        HttpResponse<String> reply = send("POST", "/v1/chat/completions", "{\"model\":\"caller\",\"max_tokens\":600,\"parallel_tool_calls\":false,"
                + "\"temperature\":0,\"stream\":true,\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"generate_image\"}},"
                + "\"conversation_id\":\"" + id + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Draw a fox.\"}]}");
        assertEquals(200, reply.statusCode(), reply.body());
        JsonNode streamed = null;
        for (String line : reply.body().split("\n"))
            if (line.startsWith("data: {") && line.contains("\"tool_step\"")) streamed = Json.MAPPER.readTree(line.substring(6)).get("tool_step");
        assertNotNull(streamed, "the step is streamed");
        assertEquals("generate_image", streamed.get("name").asText());
        assertTrue(streamed.get("result").asText().startsWith("Drew a 512x512 picture of "), streamed.get("result").asText());
        JsonNode picture = streamed.get("outputs").get(0);
        assertEquals("image/png", picture.get("type").asText());
        byte[] png = java.util.Base64.getDecoder().decode(picture.get("b64_json").asText());
        assertEquals(512, javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png)).getWidth(), "a picture the person can open");

        JsonNode stored = Json.MAPPER.readTree(send("GET", "/v1/conversations/" + id, null).body()).get("messages").get(1);
        assertEquals(streamed, stored.get("tool_steps").get(0), "the conversation keeps the step with the reply, picture and all");
    }

    /** A key made with --tools gives its chats Muse's tools unless a request says muse_tools: false; other keys' chats have none. */
    @Test
    void aKeyMadeWithToolsOptsItsChatsIn() throws Exception {
        Path keyed = Files.createDirectories(dir.resolve("keyed"));
        try (TestServer s = new TestServer(keyed, true)) {
            String qwen = Files.readString(Path.of(System.getProperty("muse.shared", "../../shared"), "llama.cpp-models", "templates", "Qwen-Qwen2.5-7B-Instruct.jinja"));
            new TinyModel(TinyFamily.QWEN2, GgmlType.Q8_0, 21).write(keyed.resolve("models").resolve("caller.gguf"), m -> {
                m.putString("tokenizer.chat_template", qwen);
                m.putUInt32("qwen2.context_length", 2048);
            });
            String withTools = s.store.keys().create("assistant", false, true).secret(), plain = s.store.keys().create("plain").secret();
            assertTrue(s.store.keys().list().stream().anyMatch(k -> k.museTools() && k.name().equals("assistant")));
            String ask = "{\"model\":\"caller\",\"max_tokens\":600,\"parallel_tool_calls\":false,\"temperature\":0,"
                    + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"calculator\"}},\"messages\":[{\"role\":\"user\",\"content\":\"12*3?\"}]%s}";
            HttpResponse<String> opted = s.send("POST", "/v1/chat/completions", ask.formatted(""), withTools);
            assertEquals(200, opted.statusCode(), opted.body());
            assertEquals("calculator", Json.MAPPER.readTree(opted.body()).get("tool_steps").get(0).get("name").asText());
            OpenAiApiTest.assertError(s.send("POST", "/v1/chat/completions", ask.formatted(""), plain), 400, "tool_choice", null);
            OpenAiApiTest.assertError(s.send("POST", "/v1/chat/completions", ask.formatted(",\"muse_tools\":false"), withTools), 400, "tool_choice", null);
        }
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
        HttpResponse<String> noSuchTool = send("POST", "/v1/chat/completions", "{\"model\":\"caller\",\"muse_tools\":true,"
                + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"shell\"}},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(400, noSuchTool.statusCode(), noSuchTool.body());
        assertEquals("tool_choice", Json.MAPPER.readTree(noSuchTool.body()).get("error").get("param").asText(), noSuchTool.body());
    }
}
