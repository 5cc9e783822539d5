package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.server.openai.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text watermark is off by default and on per key (muse keys create --text-watermark) or per request
 * (muse_text_watermark: true); POST /v1/provenance/verify with {"model", "text"} finds it.
 */
class TextWatermarkApiTest {
    @TempDir Path dir;

    static String complete(TestServer s, String key, String extra) throws Exception {
        HttpResponse<String> r = s.send("POST", "/v1/completions", "{\"model\": \"tiny-chat\", \"prompt\": \"Once upon a time\", \"max_tokens\": 200, "
                + "\"temperature\": 1, \"top_p\": 1, \"top_k\": 0, \"min_p\": 0, \"seed\": 4" + extra + "}", key);
        assertEquals(200, r.statusCode(), r.body());
        return TestServer.json(r).get("choices").get(0).get("text").asText();
    }

    static JsonNode verify(TestServer s, String key, String text) throws Exception {
        HttpResponse<String> r = s.send("POST", "/v1/provenance/verify", Json.MAPPER.createObjectNode().put("model", "tiny-chat").put("text", text).toString(), key);
        assertEquals(200, r.statusCode(), r.body());
        return TestServer.json(r);
    }

    @Test
    void aKeyThatAsksForItGetsMarkedTextAndOthersDoNot() throws Exception {
        try (TestServer s = new TestServer(dir, true)) {
            String marked = s.store.keys().create("newsroom", false, false, true).secret(), plain = s.store.keys().create("plain").secret();
            JsonNode found = verify(s, plain, complete(s, marked, ""));
            assertEquals("watermarked", found.get("status").asText(), found.toString());
            assertTrue(found.get("text_watermark").get("z").asDouble() > 4, found.toString());
            JsonNode none = verify(s, plain, complete(s, plain, ""));
            assertEquals("none", none.get("status").asText(), none.toString());
            assertFalse(none.get("text_watermark").get("found").asBoolean());
            assertEquals("watermarked", verify(s, plain, complete(s, plain, ", \"muse_text_watermark\": true")).get("status").asText(),
                    "a request may ask for the mark itself");

            HttpResponse<String> noModel = s.send("POST", "/v1/provenance/verify", "{\"text\": \"hello\"}", plain);
            assertEquals(400, noModel.statusCode());
            assertEquals("model", TestServer.json(noModel).get("error").get("param").asText());
            HttpResponse<String> unknown = s.send("POST", "/v1/provenance/verify", "{\"model\": \"nope\", \"text\": \"hello\"}", plain);
            assertEquals(404, unknown.statusCode(), unknown.body());
        }
    }
}
