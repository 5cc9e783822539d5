package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.media.Audio;
import dev.muse.media.AudioDecoder;
import dev.muse.server.openai.Json;
import dev.muse.testkit.TinyKokoro;
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
 * {@code POST /v1/audio/speech} on a random-weight Kokoro folder, through the official openai client (a WAV file, a FLAC
 * file, PCM, MP3 and Ogg Opus streamed to files, server-sent events of PCM and of Opus) and plain requests (the voice
 * list, the refusals). The lossy files are read back by Muse's decoders and held to the WAV's length.
 */
class SpeechApiTest {
    @TempDir static Path dir;
    static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        Path kokoro = TinyKokoro.write(Files.createDirectories(dir.resolve("models")).resolve("kokoro"), TinyKokoro.Shape.SMALL, 7, "af_test");
        TinyKokoro.addVoice(kokoro, "jf_other", 9); // a Japanese voice: refused by name
        s = new TestServer(dir);
    }

    @AfterAll
    static void stop() { s.close(); }

    @Test
    void theOfficialClientGetsSpeech() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        String seen = OpenAiClient.run("speech.mjs", 300, s.base() + "/v1", out.toString());
        JsonNode r = Json.MAPPER.readTree(seen);

        Audio wav = new AudioDecoder().decode(Files.readAllBytes(out.resolve("speech.wav")));
        assertEquals(24_000, wav.sampleRate());
        assertEquals("audio/wav", r.get("contentType").asText());
        assertTrue(wav.samples().length > 0 && wav.samples().length % 600 == 0, wav.samples().length + " samples");
        Audio flac = new AudioDecoder().decode(Files.readAllBytes(out.resolve("speech.flac")));
        assertEquals("audio/flac", r.get("flacType").asText());
        // the same seed and voice: the same speech, to a few 16-bit steps (JIT-compiled kernels may round differently)
        assertArrayEquals(wav.samples(), flac.samples(), 4f / 32768, "the same speech, losslessly");
        long pcm = Files.size(out.resolve("speech.pcm"));
        assertTrue(pcm > 0 && pcm % 1200 == 0, pcm + " bytes: whole 16-bit frames of 600 samples");
        assertTrue(pcm < 2L * wav.samples().length, "speed 1.25 says it in less time than 1: " + pcm / 2 + " vs " + wav.samples().length);
        assertTrue(r.get("note").asText().contains("instructions are not followed"), seen);
        long streamed = 0;
        for (JsonNode delta : r.get("deltas")) streamed += delta.asLong();
        assertEquals(2L * wav.samples().length, streamed, "the same speech as the file, in a delta per piece: " + seen);
        assertEquals("speech.audio.done", r.get("done").get("type").asText());
        assertEquals(400, r.get("error").get("status").asInt(), seen);
        assertEquals("voice", r.get("error").get("param").asText(), seen);
        assertTrue(r.get("error").get("message").asText().contains("af_test"), seen);
        assertEquals("response_format", r.get("format").get("param").asText(), seen);
        assertTrue(r.get("format").get("message").asText().contains("'aac' is not available"), seen);

        int samples = wav.samples().length;
        Audio mp3 = new AudioDecoder().decode(Files.readAllBytes(out.resolve("speech.mp3")));
        assertEquals("audio/mpeg", r.get("mp3Type").asText());
        assertEquals(24_000, mp3.sampleRate());
        assertTrue(Math.abs(mp3.samples().length - samples) < 3000, mp3.samples().length + " MP3 samples for " + samples);
        assertEquals("audio/ogg", r.get("opusType").asText());
        for (String file : new String[] {"speech.opus", "sse.opus"}) {
            Audio opus = new AudioDecoder().decode(Files.readAllBytes(out.resolve(file))).at(24_000);
            assertTrue(Math.abs(opus.samples().length - samples) < 480, file + ": " + opus.samples().length + " samples for " + samples);
        }
        assertTrue(r.get("opusDeltas").asInt() >= 2, "Ogg pages in more than one delta: " + seen);

        // what the official client saved carries content credentials the reference verifier trusts under this server's root
        Path anchors = Files.writeString(dir.resolve("root.pem"), s.get("/v1/provenance/root").body());
        for (String file : new String[] {"speech.wav", "speech.mp3"}) {
            JsonNode store = dev.muse.testkit.C2paVerifier.read(out.resolve(file), anchors);
            assertEquals("Trusted", store.path("validation_state").asText(), file + ": " + store.path("validation_results"));
        }
    }

    @Test
    void voicesAndRefusals() throws Exception {
        HttpResponse<String> voices = s.get("/v1/audio/voices?model=kokoro");
        assertEquals(200, voices.statusCode(), voices.body());
        assertEquals("af_test", TestServer.json(voices).get("data").get(0).get("id").asText());
        assertTrue(TestServer.json(voices).get("data").get(0).get("default").asBoolean());

        String[][] refused = {
                {"{\"model\":\"kokoro\"}", "input", "Missing required parameter"},
                {"{\"model\":\"kokoro\",\"input\":\"" + "a".repeat(4097) + "\"}", "input", "4096"},
                {"{\"model\":\"kokoro\",\"input\":\"hi\",\"speed\":5}", "speed", "between"},
                {"{\"model\":\"kokoro\",\"input\":\"hi\",\"stream_format\":\"chunks\"}", "stream_format", "audio or sse"},
                {"{\"model\":\"kokoro\",\"input\":\"hi\",\"response_format\":\"flac\",\"stream_format\":\"sse\"}", "stream_format", "not flac"},
                {"{\"model\":\"tiny-chat\",\"input\":\"hi\"}", "model", "does not speak"},
                {"{\"model\":\"kokoro\",\"input\":\"### ##\"}", "input", "nothing to say"},
                {"{\"model\":\"kokoro\",\"input\":\"hi\",\"voice\":\"jf_other\"}", "voice", "Japanese"}};
        for (String[] bad : refused) {
            HttpResponse<String> r = s.post("/v1/audio/speech", bad[0]);
            assertEquals(400, r.statusCode(), r.body());
            JsonNode error = TestServer.json(r).get("error");
            assertEquals(bad[1], error.get("param").asText(), r.body());
            assertTrue(error.get("message").asText().contains(bad[2]), r.body());
        }
        assertEquals(404, s.post("/v1/audio/speech", "{\"model\":\"nobody\",\"input\":\"hi\"}").statusCode());
    }
}
