package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.engine.GgmlType;
import dev.muse.server.openai.Json;
import dev.muse.provenance.watermark.ImageWatermark;
import dev.muse.testkit.C2paVerifier;
import dev.muse.testkit.Scenes;
import dev.muse.testkit.TinyKokoro;
import dev.muse.testkit.TinyPipeline;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every picture and sound the API makes carries content credentials that c2pa-rs (the reference verifier) finds valid and
 * trusted under the installation's root ({@code GET /v1/provenance/root}); {@code POST /v1/provenance/verify} reads them
 * back, says so plainly for a file without any, and catches a changed one.
 */
class ProvenanceApiTest {
    @TempDir static Path dir;
    static TestServer s;
    static Path anchors;

    @BeforeAll
    static void start() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        new TinyPipeline(GgmlType.F16, 1).write(models.resolve("tiny-sd"));
        TinyKokoro.write(models.resolve("kokoro"), TinyKokoro.Shape.SMALL, 7, "af_test");
        s = new TestServer(dir);
        HttpResponse<String> root = s.get("/v1/provenance/root");
        assertEquals(200, root.statusCode());
        assertEquals("application/x-pem-file", root.headers().firstValue("content-type").orElse(""));
        anchors = Files.writeString(dir.resolve("root.pem"), root.body());
    }

    @AfterAll
    static void stop() { s.close(); }

    @Test
    void picturesInEveryFormatAreTrustedByTheReferenceVerifier() throws Exception {
        for (String format : List.of("png", "jpeg", "webp")) {
            HttpResponse<String> r = s.post("/v1/images/generations", "{\"model\": \"tiny-sd\", \"prompt\": \"a fox\", \"size\": \"32x32\", \"steps\": 1, "
                    + "\"guidance_scale\": 0, \"output_format\": \"" + format + "\"}");
            assertEquals(200, r.statusCode(), r.body());
            byte[] picture = Base64.getDecoder().decode(TestServer.json(r).get("data").get(0).get("b64_json").asText());
            assertTrustedAndMadeBy(picture, format, "tiny-sd");
        }
    }

    @Test
    void aPictureRecordsItsWatermarkAndTheVerifierReadsOneThatOutlivedItsCredentials() throws Exception {
        HttpResponse<String> r = s.post("/v1/images/generations", "{\"model\": \"tiny-sd\", \"prompt\": \"a lake\", \"size\": \"128x128\", \"steps\": 1}");
        assertEquals(200, r.statusCode(), r.body());
        byte[] png = Base64.getDecoder().decode(TestServer.json(r).get("data").get(0).get("b64_json").asText());
        JsonNode signed = verify(png, null);
        assertTrue(signed.toString().contains("\"action\":\"c2pa.watermarked\""), signed.toString());
        JsonNode mark = signed.get("watermarks").get(0);
        assertEquals("image", mark.get("kind").asText());
        assertTrue(mark.get("recorded").asText().matches("[0-9a-f]{12}"), mark.toString());
        // (a random-weight pipeline draws noise, which hides the mark from the detector; ProvenanceTest shows the
        // drawing's pixels are the picture with exactly this mark.) A photograph-like picture with Muse's mark, shared as
        // a JPEG at quality 50 without credentials: the verifier still says Muse made it.
        byte[] jpeg = dev.muse.media.JpegWriter.encode(ImageWatermark.embed(Scenes.landscape(2), 0x00AB_1234_5678L), 50, null);
        JsonNode shared = verify(jpeg, "shared.jpg");
        assertEquals("none", shared.get("status").asText());
        assertEquals("00ab12345678", shared.get("watermarks").get(0).get("payload").asText(), shared.toString());
        assertTrue(shared.get("summary").asText().equals("no content credentials; an invisible image watermark of Muse (00ab12345678)"), shared.toString());
        assertTrue(shared.get("watermarks").get(0).get("matches_credentials").isNull());
    }

    @Test
    void speechFilesAreTrustedByTheReferenceVerifier() throws Exception {
        for (String format : List.of("wav", "mp3")) {
            HttpResponse<byte[]> r = s.http.send(HttpRequest.newBuilder(URI.create(s.base() + "/v1/audio/speech")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"kokoro\", \"input\": \"Hello there. This sentence is long enough to carry a watermark across a few seconds of sound.\", "
                            + "\"response_format\": \"" + format + "\"}"))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
            assertTrustedAndMadeBy(r.body(), format, "kokoro");
            JsonNode mark = verify(r.body(), null).get("watermarks").get(0);
            assertEquals("audio", mark.get("kind").asText());
            assertTrue(mark.get("found").asBoolean() && mark.get("matches_credentials").asBoolean(), format + ": " + mark);
        }
    }

    private static void assertTrustedAndMadeBy(byte[] file, String extension, String model) throws Exception {
        JsonNode store = C2paVerifier.read(Files.write(dir.resolve("made." + extension), file), anchors);
        assertEquals("Trusted", store.path("validation_state").asText(), extension + ": " + store);
        JsonNode manifest = store.path("manifests").path(store.path("active_manifest").asText());
        JsonNode action = null;
        for (JsonNode a : manifest.path("assertions")) if (a.path("label").asText().equals("c2pa.actions.v2")) action = a.path("data").path("actions").get(0);
        assertNotNull(action, manifest.toString());
        assertEquals("c2pa.created", action.path("action").asText(), manifest.toString());
        assertEquals("http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia", action.path("digitalSourceType").asText());
        assertEquals(model, action.path("parameters").path("model").asText());

        JsonNode mine = verify(file, null);
        assertEquals("valid", mine.get("status").asText(), mine.toString());
        assertTrue(mine.get("c2pa").get("trusted").asBoolean() && mine.get("c2pa").get("ai_generated").asBoolean(), mine.toString());
        assertEquals(model, mine.get("c2pa").get("actions").get(0).get("model").asText());
    }

    @Test
    void theVerifyEndpointReadsAnUploadAndSaysWhatItFinds() throws Exception {
        HttpResponse<String> r = s.post("/v1/images/generations", "{\"model\": \"tiny-sd\", \"prompt\": \"a cat\", \"size\": \"32x32\", \"steps\": 1}");
        byte[] png = Base64.getDecoder().decode(TestServer.json(r).get("data").get(0).get("b64_json").asText());
        JsonNode uploaded = verify(png, "picture.png");
        assertEquals("provenance.verification", uploaded.get("object").asText());
        assertEquals("valid", uploaded.get("status").asText(), uploaded.toString());
        assertTrue(uploaded.get("summary").asText().endsWith("(trusted); made with AI"), uploaded.toString());
        assertTrue(uploaded.get("c2pa").get("generator").asText().startsWith("Muse "), uploaded.toString());

        byte[] changed = png.clone();
        changed[changed.length - 20] ^= 1;
        JsonNode tampered = verify(changed, "picture.png");
        assertEquals("tampered", tampered.get("status").asText(), tampered.toString());
        assertEquals("the file's bytes are not the ones signed", tampered.get("c2pa").get("problems").get(0).asText());

        JsonNode plain = verify("just some text".getBytes(StandardCharsets.UTF_8), null);
        assertEquals("none", plain.get("status").asText());
        assertEquals("no content credentials", plain.get("summary").asText());
        assertFalse(plain.get("c2pa").get("present").asBoolean());

        HttpResponse<String> empty = s.http.send(HttpRequest.newBuilder(URI.create(s.base() + "/v1/provenance/verify"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, empty.statusCode());
        assertEquals("file", TestServer.json(empty).get("error").get("param").asText(), empty.body());
        HttpResponse<String> noFile = s.http.send(HttpRequest.newBuilder(URI.create(s.base() + "/v1/provenance/verify"))
                .header("Content-Type", "multipart/form-data; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofString("--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b--\r\n")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, noFile.statusCode(), noFile.body());
        assertEquals("missing_required_parameter", TestServer.json(noFile).get("error").get("code").asText(), noFile.body());
    }

    /** Verifies {@code file}: as a multipart upload named {@code name}, or as the body itself when {@code name} is null. */
    private static JsonNode verify(byte[] file, String name) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.base() + "/v1/provenance/verify"));
        if (name == null) b.header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(file));
        else {
            byte[] head = ("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            byte[] tail = "\r\n--b--\r\n".getBytes(StandardCharsets.UTF_8);
            b.header("Content-Type", "multipart/form-data; boundary=b").POST(HttpRequest.BodyPublishers.ofByteArrays(List.of(head, file, tail)));
        }
        HttpResponse<String> r = s.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return Json.MAPPER.readTree(r.body());
    }
}
