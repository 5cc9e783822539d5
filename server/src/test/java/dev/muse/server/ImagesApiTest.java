package dev.muse.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.engine.GgmlType;
import dev.muse.server.openai.Json;
import dev.muse.testkit.TinyPipeline;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/images/generations} with a tiny random-weight Stable Diffusion folder in the model cache beside the chat
 * model: OpenAI's shape, Muse's extensions, the refusals as OpenAI-style errors, and the official openai npm client.
 */
class ImagesApiTest {
    @TempDir static Path dir;
    static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer(dir);
        new TinyPipeline(GgmlType.F16, 1).write(dir.resolve("models/tiny-sd"));
    }

    @AfterAll
    static void stop() { s.close(); }

    @Test
    void drawsPngsWithSeedsAndIsOfferedAsAnImageModel() throws Exception {
        HttpResponse<String> r = s.post("/v1/images/generations",
                "{\"prompt\": \"a cat on the moon\", \"size\": \"32x64\", \"steps\": 2, \"guidance_scale\": 0, \"seed\": 7, \"sampler\": \"dpmpp_2m_karras\"}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertEquals(1, body.get("data").size());
        JsonNode item = body.get("data").get(0);
        assertEquals(7, item.get("seed").asLong());
        byte[] png = Base64.getDecoder().decode(item.get("b64_json").asText());
        assertEquals("PNG", new String(png, 1, 3, StandardCharsets.ISO_8859_1));
        assertEquals("32x64", body.get("size").asText());
        assertTrue(new String(png, StandardCharsets.ISO_8859_1).contains("Sampler: DPM++ 2M Karras, CFG scale: 0.0, Seed: 7, Size: 32x64, Model: tiny-sd"));
        JsonNode models = TestServer.json(s.get("/v1/models"));
        boolean found = false;
        for (JsonNode m : models.get("data")) found |= m.get("id").asText().equals("tiny-sd");
        assertTrue(found, models.toString());
    }

    @Test
    void badRequestsGetOpenAiErrors() throws Exception {
        assertError(s.post("/v1/images/generations", "{\"size\": \"64x64\"}"), 400, "prompt");
        assertError(s.post("/v1/images/generations", "{\"prompt\": \"a fox\", \"size\": \"48x64\"}"), 400, "size");
        assertError(s.post("/v1/images/generations", "{\"prompt\": \"a fox\", \"size\": \"big\"}"), 400, "size");
        assertError(s.post("/v1/images/generations", "{\"prompt\": \"a fox\", \"n\": 9}"), 400, "n");
        assertError(s.post("/v1/images/generations", "{\"prompt\": \"a fox\", \"response_format\": \"url\"}"), 400, "response_format");
        assertError(s.post("/v1/images/generations", "{\"prompt\": \"a fox\", \"model\": \"tiny-chat\"}"), 400, "model");
        assertError(s.post("/v1/images/generations", "{\"prompt\": \"a fox\", \"model\": \"nope\"}"), 404, "model");
        assertError(s.post("/v1/images/generations", "{\"prompt\": \"a fox\", \"seed\": -1}"), 400, "seed");
        assertError(s.post("/v1/images/generations", "{\"prompt\": \"a fox\", \"sampler\": \"ddim\"}"), 400, "sampler");
    }

    private static void assertError(HttpResponse<String> r, int status, String param) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode error = Json.MAPPER.readTree(r.body()).get("error");
        assertEquals(param, error.path("param").asText(null), r.body());
    }

    @Test
    void theOfficialClientDraws() throws Exception {
        Path client = Path.of(System.getProperty("muse.openai.client", "target/openai-node/client.mjs")).resolveSibling("images.mjs");
        assertTrue(Files.isRegularFile(client), "the openai npm client is not installed beside " + client);
        Process node = new ProcessBuilder("node", client.toString(), s.base() + "/v1").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(180, TimeUnit.SECONDS), "node did not finish");
        assertEquals(0, node.exitValue(), out);
        JsonNode seen = Json.MAPPER.readTree(out);
        assertEquals(2, seen.get("count").asInt(), out);
        for (int i = 0; i < 2; i++) {
            JsonNode png = seen.get("pngs").get(i);
            assertEquals("PNG", png.get("signature").asText());
            assertEquals(64, png.get("width").asInt());
            assertEquals(32, png.get("height").asInt());
            assertEquals(42 + i, png.get("seed").asLong());
            assertTrue(png.get("parameters").asBoolean(), out);
        }
        assertEquals(400, seen.get("error").get("status").asInt(), out);
        assertEquals("size", seen.get("error").get("param").asText(), out);
    }
}
