package dev.muse.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.engine.GgmlType;
import dev.muse.media.Audio;
import dev.muse.media.WavWriter;
import dev.muse.server.openai.Json;
import dev.muse.testkit.TinyWhisper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/audio/transcriptions} and {@code /translations} with a tiny random-weight Whisper model beside the chat
 * model: every response format, streaming, OpenAI's error shapes, and the official openai npm client unchanged.
 */
class AudioApiTest {
    @TempDir static Path dir;
    static TestServer s;
    static byte[] wav;

    @BeforeAll
    static void start() throws Exception {
        s = new TestServer(dir);
        new TinyWhisper(TinyWhisper.Shape.TINY, GgmlType.Q8_0, 7).write(dir.resolve("models/ggml-tiny.bin"));
        float[] tone = new float[16000 * 2];
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < tone.length; i++) tone[i] = (float) (0.3 * Math.sin(i * 0.05) + 0.05 * random.nextGaussian());
        wav = WavWriter.pcm16(new Audio(tone, 16000));
    }

    @AfterAll
    static void stop() { s.close(); }

    @Test
    void theModelIsOfferedAsASpeechModel() throws Exception {
        JsonNode models = TestServer.json(s.get("/v1/models"));
        boolean found = false;
        for (JsonNode m : models.get("data")) {
            if (m.get("id").asText().equals("whisper-tiny")) {
                found = true;
                assertEquals("[\"audio\"]", m.get("input_modalities").toString(), m.toString());
            }
        }
        assertTrue(found, models.toString());
    }

    @Test
    void everyResponseFormat() throws Exception {
        JsonNode verbose = Json.MAPPER.readTree(transcribe(Map.of("response_format", "verbose_json")).body());
        assertEquals("transcribe", verbose.get("task").asText());
        assertEquals("english", verbose.get("language").asText());
        assertEquals(2.0, verbose.get("duration").asDouble(), 1e-9);
        JsonNode segments = verbose.get("segments");
        assertTrue(segments.size() >= 1, verbose.toString());
        StringBuilder joined = new StringBuilder();
        for (JsonNode seg : segments) {
            joined.append(seg.get("text").asText());
            assertTrue(seg.get("start").asDouble() <= seg.get("end").asDouble() && seg.get("end").asDouble() <= 2.0, seg.toString());
            assertTrue(seg.get("tokens").size() >= 1);
        }
        String text = verbose.get("text").asText();
        assertEquals(joined.toString().strip(), text);

        JsonNode words = Json.MAPPER.readTree(transcribe(Map.of("response_format", "verbose_json", "timestamp_granularities[]", "word")).body()).get("words");
        assertTrue(words != null && words.size() >= 1, "words with their times");
        for (JsonNode w : words) {
            assertFalse(w.get("word").asText().isBlank());
            assertTrue(0 <= w.get("start").asDouble() && w.get("start").asDouble() <= w.get("end").asDouble() && w.get("end").asDouble() <= 2.0, w.toString());
        }

        HttpResponse<String> json = transcribe(Map.of());
        assertEquals("application/json", json.headers().firstValue("content-type").orElse(""));
        assertEquals(text, Json.MAPPER.readTree(json.body()).get("text").asText(), "the same greedy-first decoding each time");
        assertEquals(2, Json.MAPPER.readTree(json.body()).get("usage").get("seconds").asInt());
        assertEquals(text + "\n", transcribe(Map.of("response_format", "text")).body());

        String srt = transcribe(Map.of("response_format", "srt")).body();
        assertTrue(srt.startsWith("1\n00:00:"), srt);
        assertTrue(srt.contains(" --> "), srt);
        String vtt = transcribe(Map.of("response_format", "vtt")).body();
        assertTrue(vtt.startsWith("WEBVTT\n\n00:00:"), vtt);
    }

    @Test
    void refusalsHaveOpenAisShape() throws Exception {
        assertRefused(transcribe(Map.of("language", "xx")), 400, "language", "is not a language Whisper knows");
        assertRefused(transcribe(Map.of("timestamp_granularities[]", "word")), 400, "timestamp_granularities[]", "word timestamps come with response_format verbose_json");
        assertRefused(transcribe(Map.of("timestamp_granularities[]", "letter")), 400, "timestamp_granularities[]", "must be segment or word");
        assertRefused(transcribe(Map.of("response_format", "mp3")), 400, "response_format", "must be one of");
        assertRefused(transcribe(Map.of("temperature", "7")), 400, "temperature", "between 0 and 1");
        assertRefused(transcribe(Map.of("model", "tiny-chat")), 400, "model", "not a speech recognition model");
        assertRefused(transcribe(Map.of("model", "no-such")), 404, "model", "does not exist");
        assertRefused(send(form(Map.of("model", "whisper-tiny"), "hello.txt", "hello".getBytes())), 400, "file", "not audio Muse recognises");
        assertRefused(send(form(Map.of("model", "whisper-tiny"), null, null)), 400, "file", "Missing required parameter: 'file'");
        assertRefused(s.post("/v1/audio/transcriptions", "{\"model\": \"ggml-tiny\"}"), 400, null, "multipart/form-data");
        byte[] chopped = form(Map.of("model", "whisper-tiny"), "a.wav", wav);
        chopped = java.util.Arrays.copyOf(chopped, chopped.length - 20); // the closing boundary cut off
        assertRefused(send(chopped), 400, null, "malformed");
    }

    @Test
    void theOfficialClientTranscribesStreamsAndTranslates() throws Exception {
        Path file = Files.write(dir.resolve("speech.wav"), wav);
        String out = OpenAiClient.run("audio.mjs", 180, s.base() + "/v1", file.toString());
        JsonNode seen = Json.MAPPER.readTree(out);
        String text = seen.get("plain").get("text").asText();
        assertFalse(text.isEmpty(), out);
        assertEquals(text, seen.get("verbose").get("text").asText());
        assertTrue(seen.get("verbose").get("segments").size() >= 1);
        assertTrue(seen.get("srt").asText().startsWith("1\n"), out);
        assertEquals(text, seen.get("streamed").asText(), "the deltas add up to the text");
        assertEquals(text, seen.get("done").asText());
        assertFalse(seen.get("translation").get("text").asText().isEmpty());
        assertEquals(400, seen.get("error").get("status").asInt());
        assertEquals("language", seen.get("error").get("param").asText());
    }

    @Test
    void aSpokenTurnIsHeardAndStoredAsAVoiceMessage() throws Exception {
        String audio = java.util.Base64.getEncoder().encodeToString(wav);
        String turn = "{\"role\": \"user\", \"content\": [{\"type\": \"input_audio\", \"input_audio\": {\"data\": \"" + audio
                + "\", \"format\": \"wav\"}}, {\"type\": \"text\", \"text\": \"(said above)\"}]}";
        HttpResponse<String> plain = s.post("/v1/chat/completions", "{\"model\": \"tiny-chat\", \"max_tokens\": 4, \"messages\": [" + turn + "]}");
        assertEquals(200, plain.statusCode(), plain.body());
        assertTrue(TestServer.json(plain).get("usage").get("prompt_tokens").asInt() > 10, "the transcript reached the prompt");

        String id = TestServer.json(s.post("/v1/conversations", "{}")).get("id").asText();
        HttpResponse<String> stored = s.post("/v1/chat/completions", "{\"model\": \"tiny-chat\", \"max_tokens\": 4, \"conversation_id\": \""
                + id + "\", \"messages\": [" + turn + "]}");
        assertEquals(200, stored.statusCode(), stored.body());
        JsonNode messages = TestServer.json(s.get("/v1/conversations/" + id));
        JsonNode part = messages.get("messages").get(0).get("content").get(0);
        assertEquals("input_audio", part.get("type").asText());
        String heard = part.get("transcript").asText();
        assertFalse(heard.isBlank(), part.toString());
        String again = "{\"model\": \"tiny-chat\", \"max_tokens\": 4, \"conversation_id\": \"" + id
                + "\", \"messages\": [{\"role\": \"user\", \"content\": \"and then?\"}]}";
        assertEquals(200, s.post("/v1/chat/completions", again).statusCode(), "the stored voice message is read from its transcript");

        HttpResponse<String> garbage = s.post("/v1/chat/completions", "{\"model\": \"tiny-chat\", \"messages\": [{\"role\": \"user\", \"content\": "
                + "[{\"type\": \"input_audio\", \"input_audio\": {\"data\": \"aGVsbG8=\", \"format\": \"wav\"}}]}]}");
        assertRefused(garbage, 400, "messages", "could not be heard");
        assertRefused(s.post("/v1/chat/completions", "{\"model\": \"tiny-chat\", \"messages\": [{\"role\": \"user\", \"content\": "
                + "[{\"type\": \"input_audio\", \"input_audio\": {\"data\": \"%%%\"}}]}]}"), 400, "messages[0].content", "not valid base64");
    }

    private static void assertRefused(HttpResponse<String> r, int status, String param, String message) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode error = Json.MAPPER.readTree(r.body()).get("error");
        assertTrue(error.get("message").asText().contains(message), r.body());
        if (param != null) assertEquals(param, error.get("param").asText(), r.body());
    }

    private static HttpResponse<String> transcribe(Map<String, String> fields) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(Map.of("model", "whisper-tiny", "language", "en"));
        all.putAll(fields);
        return send(form(all, "speech.wav", wav));
    }

    private static HttpResponse<String> send(byte[] body) throws Exception {
        return s.http.send(HttpRequest.newBuilder(URI.create(s.base() + "/v1/audio/transcriptions"))
                .header("Content-Type", "multipart/form-data; boundary=MuseBoundary7").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    static byte[] form(Map<String, String> fields, String fileName, byte[] file) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            b.writeBytes(("--MuseBoundary7\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n" + f.getValue() + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        if (file != null) {
            b.writeBytes(("--MuseBoundary7\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            b.writeBytes(file);
            b.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        b.writeBytes("--MuseBoundary7--\r\n".getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }
}
