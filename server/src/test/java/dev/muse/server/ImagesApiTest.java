package dev.muse.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.engine.GgmlType;
import dev.muse.server.openai.Json;
import dev.muse.testkit.TinyPipeline;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/images/generations} and {@code /v1/images/edits} with a tiny random-weight Stable Diffusion folder in the model cache beside the chat
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
        assertError(s.post("/v1/images/generations", "{\"prompt\": \"a fox\", \"response_format\": \"file\"}"), 400, "response_format");
        assertError(s.post("/v1/images/generations", "{\"prompt\": \"a fox\", \"model\": \"tiny-chat\"}"), 400, "model");
        assertError(s.post("/v1/images/generations", "{\"prompt\": \"a fox\", \"model\": \"nope\"}"), 404, "model");
        assertError(s.post("/v1/images/generations", "{\"prompt\": \"a fox\", \"seed\": -1}"), 400, "seed");
        assertError(s.post("/v1/images/generations", "{\"prompt\": \"a fox\", \"sampler\": \"ddim\"}"), 400, "sampler");
    }

    /** /v1/images/edits: the image redrawn at its own size, a mask, Muse's strength; refusals name the field. */
    @Test
    void editsRedrawAnImageUnderItsMask() throws Exception {
        JsonNode drawn = Json.MAPPER.readTree(s.post("/v1/images/generations",
                "{\"prompt\": \"a red fox\", \"size\": \"64x32\", \"steps\": 1, \"guidance_scale\": 0, \"seed\": 3}").body());
        byte[] photo = Base64.getDecoder().decode(drawn.get("data").get(0).get("b64_json").asText());
        byte[] mask = maskPng(64, 32);

        HttpResponse<String> r = edit(Map.of("prompt", "a cat", "steps", "4", "strength", "0.5", "seed", "11", "guidance_scale", "0"),
                Map.of("image", photo));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertEquals("64x32", body.get("size").asText(), "the image's own size");
        assertEquals(11, body.get("data").get(0).get("seed").asLong());
        String png = new String(Base64.getDecoder().decode(body.get("data").get(0).get("b64_json").asText()), StandardCharsets.ISO_8859_1);
        assertTrue(png.contains("Denoising strength: 0.5, Version: Muse"), png);

        r = edit(Map.of("prompt", "a cat", "steps", "2", "n", "2"), Map.of("image[]", photo, "mask", mask));
        assertEquals(200, r.statusCode(), r.body());
        body = Json.MAPPER.readTree(r.body());
        assertEquals(2, body.get("data").size());
        assertTrue(new String(Base64.getDecoder().decode(body.get("data").get(1).get("b64_json").asText()), StandardCharsets.ISO_8859_1)
                .contains("Denoising strength: 1.0, Mask: yes"));

        assertError(edit(Map.of("prompt", "a cat"), Map.of()), 400, "image");
        assertError(edit(Map.of("prompt", "a cat"), Map.of("image", "not a picture".getBytes(StandardCharsets.UTF_8))), 400, "image");
        assertError(edit(Map.of("prompt", "a cat"), Map.of("image", photo, "mask", new byte[] {(byte) 0x89, 'P', 'N', 'G'})), 400, "mask");
        assertError(edit(Map.of("prompt", "a cat", "strength", "2"), Map.of("image", photo)), 400, "strength");
        assertError(edit(Map.of("prompt", "a cat", "strength", "0.01"), Map.of("image", photo)), 400, "strength");
        assertError(edit(Map.of("prompt", "a cat", "n", "two"), Map.of("image", photo)), 400, "n");
        assertError(edit(Map.of("prompt", "a cat", "size", "48x32"), Map.of("image", photo)), 400, "size");
        assertError(s.post("/v1/images/edits", "{\"prompt\": \"a cat\"}"), 400, null);
    }

    /** response_format url: an address the owner reads the picture from for an hour; output_format jpeg: a JPEG. */
    @Test
    void urlsAndJpegs() throws Exception {
        JsonNode linked = Json.MAPPER.readTree(s.post("/v1/images/generations",
                "{\"prompt\": \"a fox\", \"size\": \"32x32\", \"steps\": 1, \"guidance_scale\": 0, \"response_format\": \"url\"}").body());
        String url = linked.get("data").get(0).get("url").asText();
        assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/v1/images/files/[0-9a-f]{32}\\.png"), url);
        assertTrue(linked.get("data").get(0).get("b64_json") == null, "a URL, not the picture itself");
        HttpResponse<byte[]> file = s.http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, file.statusCode());
        assertEquals("image/png", file.headers().firstValue("content-type").orElse(""));
        assertEquals("PNG", new String(file.body(), 1, 3, StandardCharsets.ISO_8859_1));
        assertEquals(404, s.get("/v1/images/files/" + "0".repeat(32) + ".png").statusCode());

        JsonNode jpeg = Json.MAPPER.readTree(s.post("/v1/images/generations",
                "{\"prompt\": \"a fox\", \"size\": \"32x32\", \"steps\": 1, \"guidance_scale\": 0, \"output_format\": \"jpeg\", \"output_compression\": 80}").body());
        assertEquals("jpeg", jpeg.get("output_format").asText());
        byte[] bytes = Base64.getDecoder().decode(jpeg.get("data").get(0).get("b64_json").asText());
        assertEquals(0xFFD8, (bytes[0] & 0xFF) << 8 | (bytes[1] & 0xFF));
        assertTrue(new String(bytes, StandardCharsets.ISO_8859_1).contains("Steps: 1, Sampler: Euler"), "the parameters ride along as a comment");
        JsonNode webp = Json.MAPPER.readTree(s.post("/v1/images/generations",
                "{\"prompt\": \"a fox\", \"size\": \"32x32\", \"steps\": 1, \"guidance_scale\": 0, \"output_format\": \"webp\"}").body());
        byte[] webpBytes = Base64.getDecoder().decode(webp.get("data").get(0).get("b64_json").asText());
        assertEquals("RIFF", new String(webpBytes, 0, 4, StandardCharsets.US_ASCII));
        assertEquals("WEBPVP8X", new String(webpBytes, 8, 8, StandardCharsets.US_ASCII), "an extended WebP, for its XMP");
        assertError(s.post("/v1/images/generations", "{\"prompt\": \"a fox\", \"output_format\": \"gif\"}"), 400, "output_format");
        assertError(s.post("/v1/images/generations", "{\"prompt\": \"a fox\", \"output_format\": \"jpeg\", \"output_compression\": 101}"), 400,
                "output_compression");
    }

    /** A conversation with a drawn picture in it goes on with a text-only chat model, which reads the picture's prompt. */
    @Test
    void aConversationGoesOnWithAChatModelAfterADrawing() throws Exception {
        JsonNode conversation = TestServer.json(s.post("/v1/conversations", "{\"title\": \"fox\"}"));
        String id = conversation.get("id").asText(), path = "/v1/conversations/" + id + "/messages";
        assertEquals(201, s.post(path, "{\"role\": \"user\", \"content\": \"a red fox\"}").statusCode());
        assertEquals(201, s.post(path, "{\"role\": \"assistant\", \"content\": [{\"type\": \"image_url\", \"image_url\": {\"url\": "
                + "\"data:image/png;base64,iVBORw0KGgo=\"}, \"muse_drawing\": {\"prompt\": \"a red fox\", \"seed\": 1}}]}").statusCode());
        HttpResponse<String> r = s.post("/v1/chat/completions", "{\"model\": \"tiny-chat\", \"conversation_id\": \"" + id
                + "\", \"max_tokens\": 2, \"messages\": [{\"role\": \"user\", \"content\": \"what is in it?\"}]}");
        assertEquals(200, r.statusCode(), r.body());
    }

    /** A mask whose left half is transparent (redrawn), the rest opaque. */
    static byte[] maskPng(int w, int h) throws Exception {
        var rgba = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) rgba.setRGB(x, y, x < w / 2 ? 0 : 0xFF000000);
        var out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(rgba, "png", out);
        return out.toByteArray();
    }

    private static HttpResponse<String> edit(Map<String, String> fields, Map<String, byte[]> files) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Map.Entry<String, String> f : fields.entrySet())
            b.writeBytes(("--MuseBoundary7\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n" + f.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            b.writeBytes(("--MuseBoundary7\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"; filename=\"" + f.getKey().replace("[]", "")
                    + ".png\"\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            b.writeBytes(f.getValue());
            b.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        b.writeBytes("--MuseBoundary7--\r\n".getBytes(StandardCharsets.UTF_8));
        return s.http.send(HttpRequest.newBuilder(URI.create(s.base() + "/v1/images/edits"))
                .header("Content-Type", "multipart/form-data; boundary=MuseBoundary7").POST(HttpRequest.BodyPublishers.ofByteArray(b.toByteArray()))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> r, int status, String param) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode error = Json.MAPPER.readTree(r.body()).get("error");
        assertEquals(param, error.path("param").asText(null), r.body());
    }

    @Test
    void theOfficialClientDrawsAndEdits() throws Exception {
        Path mask = Files.write(dir.resolve("mask.png"), maskPng(64, 32));
        String out = OpenAiClient.run("images.mjs", 180, s.base() + "/v1", mask.toString());
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
        assertTrue(seen.get("lcm").asBoolean(), "the LCM sampler drew, as the PNG's parameters say: " + out);
        assertEquals(400, seen.get("error").get("status").asInt(), out);
        assertEquals("size", seen.get("error").get("param").asText(), out);
        JsonNode edit = seen.get("edit");
        assertEquals(64, edit.get("width").asInt(), out);
        assertEquals(32, edit.get("height").asInt(), out);
        assertEquals(5, edit.get("seed").asLong(), out);
        assertTrue(edit.get("strength").asBoolean(), "images.edit sent the mask and Muse's strength: " + out);
        JsonNode events = seen.get("events");
        assertEquals(3, events.size(), out);
        for (int i = 0; i < 3; i++) {
            assertEquals(i < 2 ? "image_generation.partial_image" : "image_generation.completed", events.get(i).get("type").asText(), out);
            assertEquals(64, events.get(i).get("width").asInt(), out);
            assertEquals(32, events.get(i).get("height").asInt(), out);
        }
        assertEquals(1, events.get(1).get("partial").asInt(), out);
        assertEquals(9, events.get(2).get("seed").asLong(), out);
        assertTrue(seen.get("url").get("jpeg").asBoolean(), "the URL the client got serves a JPEG: " + out);
        assertEquals("jpeg", seen.get("url").get("format").asText(), out);
    }

    /** stream: true sends OpenAI's image events as server-sent events; an edit's are image_edit's; a bad stream flag is refused. */
    @Test
    void streamsPartialImagesThenThePicture() throws Exception {
        HttpResponse<String> r = s.post("/v1/images/generations",
                "{\"prompt\": \"a cat\", \"size\": \"32x32\", \"steps\": 3, \"guidance_scale\": 0, \"seed\": 4, \"n\": 2, \"stream\": true, \"partial_images\": 1}");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        java.util.List<String> types = new java.util.ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (!line.startsWith("data: {")) continue;
            JsonNode event = Json.MAPPER.readTree(line.substring(6));
            types.add(event.get("type").asText() + "/" + event.get("index").asInt());
        }
        assertEquals(java.util.List.of("image_generation.partial_image/0", "image_generation.completed/0", "image_generation.partial_image/1",
                "image_generation.completed/1"), types);
        assertTrue(r.body().endsWith("data: [DONE]\n\n"), r.body());

        byte[] photo = Base64.getDecoder().decode(Json.MAPPER.readTree(s.post("/v1/images/generations",
                "{\"prompt\": \"a fox\", \"size\": \"32x32\", \"steps\": 1, \"guidance_scale\": 0}").body()).get("data").get(0).get("b64_json").asText());
        HttpResponse<String> edited = edit(Map.of("prompt", "a cat", "steps", "4", "strength", "1", "stream", "true", "partial_images", "1"),
                Map.of("image", photo));
        assertEquals(200, edited.statusCode(), edited.body());
        assertTrue(edited.body().contains("\"type\":\"image_edit.partial_image\"") && edited.body().contains("\"type\":\"image_edit.completed\""), edited.body());
        assertError(s.post("/v1/images/generations", "{\"prompt\": \"a fox\", \"stream\": \"yes\"}"), 400, "stream");
        assertError(s.post("/v1/images/generations", "{\"prompt\": \"a fox\", \"stream\": true, \"partial_images\": -1}"), 400, "partial_images");
    }
}
