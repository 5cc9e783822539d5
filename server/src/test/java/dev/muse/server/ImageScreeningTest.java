package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.media.PngWriter;
import dev.muse.server.openai.Json;
import dev.muse.testkit.NsfwReference;
import dev.muse.testkit.Scenes;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pictures screened by nsfwjs' real MobileNetV2 in the model cache (safety auto): a picture it flags is refused in a chat
 * before anything runs, or let through and recorded under a key that flags S12; /v1/moderations judges pictures through
 * the official openai client; /health names the classifier. The flagged picture is an abstract one the classifier
 * misreads (no explicit picture is needed to test the path).
 */
class ImageScreeningTest {
    @TempDir Path dir;

    static String dataUrl(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    static String chat(byte[] png) {
        return chat("tiny-vision", png);
    }

    static String chat(String model, byte[] png) {
        return "{\"model\": \"" + model + "\", \"max_tokens\": 4, \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"What is this?\"},"
                + " {\"type\": \"image_url\", \"image_url\": {\"url\": \"" + dataUrl(png) + "\"}}]}]}";
    }

    @Test
    void aFlaggedPictureIsRefusedInAChatOrRecordedUnderALenientKey() throws Exception {
        byte[] flagged = PngWriter.encode(Scenes.flaggedBlobs(), Map.of()), benign = PngWriter.encode(Scenes.landscape(3), Map.of());
        try (TestServer s = new TestServer(dir, true)) {
            Path models = dir.resolve("models");
            NsfwReference.install(models);
            new dev.muse.testkit.TinyModel(dev.muse.testkit.TinyFamily.SMOLVLM, dev.muse.engine.GgmlType.Q8_0, 41).write(models.resolve("tiny-vision.gguf"), m -> {
                m.putString("tokenizer.chat_template", TestServer.TEMPLATE);
                m.putUInt32("llama.context_length", 1024);
            });
            new dev.muse.testkit.TinyVision(dev.muse.testkit.TinyVision.Tower.IDEFICS3, dev.muse.engine.GgmlType.F16, 42).write(models.resolve("mmproj-tiny-vision.gguf"));
            String strict = s.store.keys().create("kids").secret(), lenient = s.store.keys().create("art", false, false, false, "S12=flag").secret();
            JsonNode health = TestServer.json(s.send("GET", "/health", null, strict)).get("safety");
            assertEquals("nsfw-mobilenet-v2", health.get("image_classifier").asText(), health.toString());
            assertTrue(health.get("image_screening").asText().startsWith("auto: nsfw-mobilenet-v2 screens"), health.toString());

            HttpResponse<String> refused = s.send("POST", "/v1/chat/completions", chat(flagged), strict);
            assertEquals(400, refused.statusCode(), refused.body());
            JsonNode error = TestServer.json(refused).get("error");
            assertEquals("content_policy_violation", error.get("code").asText());
            assertEquals("An attached image was refused by this server's safety screening (nsfw-mobilenet-v2: S12 Sexual Content)", error.get("message").asText());

            HttpResponse<String> passed = s.send("POST", "/v1/chat/completions", chat(benign), strict);
            assertEquals(200, passed.statusCode(), "a benign picture passes the screening and the model answers: " + passed.body());
            HttpResponse<String> let = s.send("POST", "/v1/chat/completions", chat(flagged), lenient);
            assertEquals(200, let.statusCode(), "a flag lets it through: " + let.body());
            // a text-only model refuses pictures itself, unread: nothing is screened (or fetched) for it
            HttpResponse<String> textOnly = s.send("POST", "/v1/chat/completions", chat("tiny-chat", flagged), strict);
            assertEquals("unsupported_content", TestServer.json(textOnly).path("error").path("code").asText(), textOnly.body());

            JsonNode blocked = TestServer.json(s.send("GET", "/v1/moderations/audit", null, strict)).get("data");
            assertEquals(1, blocked.size(), blocked.toString());
            assertEquals("image-input", blocked.get(0).get("stage").asText());
            assertEquals("blocked", blocked.get(0).get("action").asText());
            assertEquals("nsfw-mobilenet-v2", blocked.get(0).get("guard_model").asText());
            assertEquals("S12", blocked.get(0).get("hazards").asText());
            JsonNode recorded = TestServer.json(s.send("GET", "/v1/moderations/audit", null, lenient)).get("data");
            assertEquals("flagged", recorded.get(0).get("action").asText(), recorded.toString());
        }
    }

    @Test
    void theOfficialClientModeratesPictures() throws Exception {
        try (TestServer s = new TestServer(dir)) {
            Path flagged = Files.write(dir.resolve("flagged.png"), PngWriter.encode(Scenes.flaggedBlobs(), Map.of()));
            Path benign = Files.write(dir.resolve("benign.png"), PngWriter.encode(Scenes.landscape(3), Map.of()));
            HttpResponse<String> none = s.post("/v1/moderations", "{\"input\": [{\"type\": \"image_url\", \"image_url\": {\"url\": \"" + dataUrl(Files.readAllBytes(benign)) + "\"}}]}");
            assertEquals(400, none.statusCode());
            assertTrue(TestServer.json(none).get("error").get("message").asText().contains("muse pull nsfw-mobilenet-v2"), none.body());

            NsfwReference.install(dir.resolve("models"));
            JsonNode seen = Json.MAPPER.readTree(OpenAiClient.run("moderations-images.mjs", 120, s.base() + "/v1", flagged.toString(), benign.toString()));
            JsonNode f = seen.get("flagged"), b = seen.get("benign");
            assertEquals("nsfw-mobilenet-v2", f.get("model").asText(), seen.toString());
            assertEquals(1, f.get("results").size());
            JsonNode r = f.get("results").get(0);
            assertTrue(r.get("flagged").asBoolean(), r.toString());
            assertTrue(r.get("categories").get("sexual").asBoolean());
            assertEquals("image", r.get("category_applied_input_types").get("sexual").get(0).asText());
            assertTrue(r.get("category_scores").get("sexual").asDouble() >= 0.5);
            assertEquals("S12", r.get("muse_hazards").get(0).asText());
            JsonNode quiet = b.get("results").get(0);
            assertFalse(quiet.get("flagged").asBoolean(), quiet.toString());
            assertTrue(quiet.get("category_scores").get("sexual").asDouble() < 0.5);
            assertEquals(400, seen.get("error").get("status").asInt(), seen.toString());
            assertEquals("invalid_image", seen.get("error").get("code").asText());
        }
    }
}
