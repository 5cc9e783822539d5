package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.engine.GgmlType;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import dev.muse.testkit.TinyVision;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images through the OpenAI API: a tiny SmolVLM in the model cache with its projector beside it
 * (mmproj-NAME.gguf) takes image_url parts, in a stateless request and across the turns of a conversation
 * (whose later turns reuse the image's cached keys and values).
 */
class VisionApiTest {
    @TempDir Path dir;

    @Test
    void aVisionModelReadsImagesAndAConversationReusesThem() throws Exception {
        try (TestServer s = new TestServer(dir)) {
            Path models = dir.resolve("models");
            new TinyModel(TinyFamily.SMOLVLM, GgmlType.Q8_0, 41).write(models.resolve("tiny-vision.gguf"), m -> {
                m.putString("tokenizer.chat_template", TestServer.TEMPLATE);
                m.putUInt32("llama.context_length", 1024);
            });
            new TinyVision(TinyVision.Tower.IDEFICS3, GgmlType.F16, 42).write(models.resolve("mmproj-tiny-vision.gguf"));

            List<JsonNode> list = new java.util.ArrayList<>();
            for (JsonNode m : TestServer.json(s.get("/v1/models")).get("data"))
                if (!m.get("output_modalities").toString().contains("embedding")) list.add(m); // the embedder Muse carries is offered too
            assertEquals(2, list.size(), "the projector is not offered as a model: " + list);
            for (JsonNode m : list)
                assertEquals(m.get("id").asText().equals("tiny-vision") ? "[\"text\",\"image\"]" : "[\"text\"]", m.get("input_modalities").toString());

            String content = "[{\"type\":\"text\",\"text\":\"What is this?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + dataUrl(picture(90, 50)) + "\"}}]";
            JsonNode answer = TestServer.json(s.post("/v1/chat/completions", "{\"model\":\"tiny-vision\",\"max_tokens\":5,\"temperature\":0,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":" + content + "}]}"));
            assertEquals(5, answer.get("usage").get("completion_tokens").asInt(), answer.toString());
            // 2 x 2 tiles and the overview, 16 rows each, and their delimiters, besides the text.
            assertTrue(answer.get("usage").get("prompt_tokens").asInt() > 80, answer.toString());

            String id = TestServer.json(s.post("/v1/conversations", "{\"title\":\"pictures\",\"model\":\"tiny-vision\"}")).get("id").asText();
            JsonNode first = TestServer.json(s.post("/v1/chat/completions", "{\"model\":\"tiny-vision\",\"conversation_id\":\"" + id
                    + "\",\"max_tokens\":4,\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":" + content + "}]}"));
            JsonNode second = TestServer.json(s.post("/v1/chat/completions", "{\"model\":\"tiny-vision\",\"conversation_id\":\"" + id
                    + "\",\"max_tokens\":4,\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"And the colours?\"}]}"));
            assertTrue(second.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt() >= first.get("usage").get("prompt_tokens").asInt(),
                    "the second turn reuses the first turn's image from the KV cache: " + second.get("usage"));
            JsonNode stored = TestServer.json(s.get("/v1/conversations/" + id)).get("messages").get(0).get("content");
            assertEquals("image_url", stored.get(1).get("type").asText(), "the turn is stored with its image: " + stored);

            OpenAiApiTest.assertError(s.post("/v1/chat/completions", "{\"model\":\"tiny-vision\",\"messages\":[{\"role\":\"user\",\"content\":"
                    + "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + Base64.getEncoder().encodeToString("not a picture".getBytes())
                    + "\"}}]}]}"), 400, "messages", null);
            OpenAiApiTest.assertError(s.post("/v1/chat/completions", "{\"model\":\"tiny-vision\",\"messages\":[{\"role\":\"user\",\"content\":"
                    + "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"http://169.254.169.254/latest\"}}]}]}"), 400, "messages[0].content", "invalid_image_url");
            String many = ("{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + dataUrl(picture(8, 8)) + "\"}},").repeat(17);
            OpenAiApiTest.assertError(s.post("/v1/chat/completions", "{\"model\":\"tiny-vision\",\"messages\":[{\"role\":\"user\",\"content\":["
                    + many.substring(0, many.length() - 1) + "]}]}"), 400, "messages", "too_many_images");
        }
    }

    static byte[] picture(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) for (int x = 0; x < width; x++) image.setRGB(x, y, (x * 255 / width) << 16 | (y * 255 / height) << 8 | 90);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        return png.toByteArray();
    }

    static String dataUrl(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }
}
