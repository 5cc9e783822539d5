package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.server.openai.Json;
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
 * Constrained output over HTTP on a random-weight model (which never writes JSON by itself): OpenAI's
 * {@code response_format} (json_schema, json_object) and llama.cpp's {@code grammar}, through the official client too.
 */
class StructuredOutputApiTest {
    @TempDir static Path dir;
    static TestServer s;

    @BeforeAll
    static void start() throws Exception { s = new TestServer(dir); }

    @AfterAll
    static void stop() { s.close(); }

    @Test
    void theOfficialClientGetsJsonThatKeepsTheSchema() throws Exception {
        String out = OpenAiClient.run("structured.mjs", 180, s.base() + "/v1", "tiny-chat");
        JsonNode seen = Json.MAPPER.readTree(out);
        System.out.println(out); // kept in the test's report: what the random model wrote inside the schema
        for (String text : new String[] {seen.get("whole").get("text").asText(), seen.get("streamed").asText()}) {
            JsonNode cat = Json.MAPPER.readTree(text);
            assertTrue(cat.get("name").isTextual() && cat.get("name").asText().length() <= 6, text);
            assertTrue(cat.get("legs").isIntegralNumber(), text);
            assertTrue(cat.get("indoor").isBoolean(), text);
            assertTrue(java.util.List.of("black", "white", "ginger").contains(cat.get("color").asText()), text);
            assertEquals(4, cat.size(), "no other properties: " + text);
        }
        assertEquals("stop", seen.get("whole").get("finish").asText(), out);
        if (seen.get("object").get("finish").asText().equals("stop")) assertTrue(Json.MAPPER.readTree(seen.get("object").get("text").asText()).isObject(), out);
        else assertTrue(seen.get("object").get("text").asText().startsWith("{"), out);
        assertEquals(400, seen.get("error").get("status").asInt(), out);
        assertEquals("response_format", seen.get("error").get("param").asText(), out);
        assertTrue(seen.get("error").get("message").asText().contains("'pattern'"), out);
    }

    @Test
    void aGbnfGrammarAndTheRefusals() throws Exception {
        HttpResponse<String> r = s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\",\"max_tokens\":30,\"seed\":1,"
                + "\"grammar\":\"root ::= (\\\"yes\\\" | \\\"no\\\") \\\", because \\\" [a-z]{1,8}\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Is it raining?\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        String text = TestServer.json(r).get("choices").get(0).get("message").get("content").asText();
        assertTrue(text.matches("(yes|no), because [a-z]{1,8}"), text);
        HttpResponse<String> completion = s.post("/v1/completions", "{\"model\":\"tiny-chat\",\"max_tokens\":8,\"prompt\":\"Answer:\","
                + "\"grammar\":\"root ::= [0-9]{3}\"}");
        assertTrue(TestServer.json(completion).get("choices").get(0).get("text").asText().matches("[0-9]{3}"), completion.body());

        for (String[] bad : new String[][] {
                {"\"grammar\":\"root ::= missing\"", "grammar", "never defined"},
                {"\"grammar\":\"root ::= \\\"a\\\"\",\"response_format\":{\"type\":\"json_object\"}", "grammar", "not both"},
                {"\"response_format\":{\"type\":\"yaml\"}", "response_format", "json_schema"},
                {"\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\"}}", "response_format", "schema"}}) {
            HttpResponse<String> refused = s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\"," + bad[0]
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertEquals(400, refused.statusCode(), refused.body());
            JsonNode error = TestServer.json(refused).get("error");
            assertEquals(bad[1], error.get("param").asText(), refused.body());
            assertTrue(error.get("message").asText().contains(bad[2]), refused.body());
        }
    }
}
