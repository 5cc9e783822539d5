package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.engine.GgmlType;
import dev.muse.server.openai.Json;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Function calling over HTTP with the official openai client, on a tiny random Qwen2 behind Qwen 2.5's real chat
 * template (Hermes-style {@code <tool_call>}): random weights never call by themselves, so the calls here are the ones
 * {@code tool_choice} requires, kept to the format and the parameters by constrained decoding.
 */
class ToolsApiTest {
    @TempDir static Path dir;
    static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer(dir);
        Path template = Path.of(System.getProperty("muse.shared", "../../shared"), "llama.cpp-models", "templates", "Qwen-Qwen2.5-7B-Instruct.jinja");
        String qwen = Files.readString(template);
        new TinyModel(TinyFamily.QWEN2, GgmlType.Q8_0, 21).write(dir.resolve("models").resolve("tiny-qwen.gguf"), m -> {
            m.putString("tokenizer.chat_template", qwen);
            m.putUInt32("qwen2.context_length", 2048); // parallel calls from random weights may go on for a while
        });
    }

    @AfterAll
    static void stop() { s.close(); }

    @Test
    void theOfficialClientGetsRequiredParallelAndNamedCallsAndSendsResultsBack() throws Exception {
        String out = OpenAiClient.run("tools.mjs", 180, s.base() + "/v1", "tiny-qwen", "tiny-chat");
        System.out.println(out); // kept in the test's report: the calls the random model made
        JsonNode seen = Json.MAPPER.readTree(out);

        JsonNode whole = seen.get("whole");
        assertTrue(whole.get("content").isNull(), out);
        assertEquals("tool_calls", whole.get("finish").asText(), out);
        assertFalse(whole.get("calls").isEmpty(), out);
        for (JsonNode call : whole.get("calls")) checkCall(call.get("function").get("name").asText(), call.get("function").get("arguments").asText(), out);

        JsonNode streamed = seen.get("streamed");
        assertEquals("tool_calls", streamed.get("finish").asText(), out);
        assertFalse(streamed.get("calls").isEmpty(), out);
        for (JsonNode call : streamed.get("calls")) {
            assertTrue(call.get("id").asText().startsWith("call_"), out);
            checkCall(call.get("name").asText(), call.get("arguments").asText(), out);
        }

        JsonNode named = seen.get("named");
        assertEquals(1, named.get("calls").size(), "one call when parallel calls are off: " + out);
        assertEquals("get_time", named.get("calls").get(0).get("function").get("name").asText(), out);

        assertEquals("length", seen.get("followUp").get("finish").asText(), "with the results back and tool_choice none, it answers in text: " + out);
        assertFalse(seen.get("followUp").get("content").asText().isEmpty(), out);
        assertEquals(400, seen.get("error").get("status").asInt(), out);
        assertEquals("tools", seen.get("error").get("param").asText(), out);
    }

    private static void checkCall(String name, String arguments, String out) throws Exception {
        JsonNode args = Json.MAPPER.readTree(arguments);
        switch (name) {
            case "get_weather" -> {
                assertTrue(args.get("location").isTextual() && args.get("location").asText().codePointCount(0, args.get("location").asText().length()) <= 12, out);
                assertTrue(List.of("celsius", "fahrenheit").contains(args.get("unit").asText()), out);
                assertEquals(2, args.size(), out);
            }
            case "get_time" -> {
                assertTrue(args.get("city").isTextual(), out);
                assertEquals(1, args.size(), out);
            }
            default -> fail("called an unknown function " + name + ": " + out);
        }
    }
}
