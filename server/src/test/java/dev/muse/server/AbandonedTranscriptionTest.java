package dev.muse.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.engine.GgmlType;
import dev.muse.media.Audio;
import dev.muse.media.WavWriter;
import dev.muse.testkit.TinyWhisper;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that sends a long file to transcribe and leaves before the text is ready no longer keeps the speech model
 * busy for nobody, holding its key's permit (as issue 14 made it for chats).
 */
class AbandonedTranscriptionTest {
    @TempDir Path dir;

    @Test
    void anAbandonedTranscriptionIsCancelledAndFreesTheKeysPermit() throws Exception {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override public void publish(LogRecord r) { records.add(r); }
            @Override public void flush() { }
            @Override public void close() { }
        };
        Logger.getLogger("").addHandler(capture);
        try (TestServer s = new TestServer(dir, false, 1, 600)) {
            new TinyWhisper(TinyWhisper.Shape.TINY, GgmlType.Q8_0, 7).write(dir.resolve("models/ggml-tiny.bin"));
            float[] noise = new float[16000 * 30];
            java.util.Random random = new java.util.Random(2);
            for (int i = 0; i < noise.length; i++) noise[i] = (float) (0.1 * random.nextGaussian());
            byte[] body = AudioApiTest.form(Map.of("model", "whisper-tiny", "language", "en"), "long.wav", WavWriter.pcm16(new Audio(noise, 16000)));

            long whole = System.nanoTime();
            assertEquals(200, send(s, body).statusCode());
            double wholeSeconds = (System.nanoTime() - whole) / 1e9;

            try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/audio/transcriptions HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=MuseBoundary7\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                // transcribing soon, holding the only permit: watched for on /metrics (under a loaded machine the upload alone
                // took longer than the half second a fixed wait gave it)
                long sent = System.nanoTime();
                while (!s.get("/metrics").body().contains("muse_running_sequences{model=\"whisper-tiny\"} 1") && System.nanoTime() - sent < 30_000_000_000L)
                    Thread.sleep(100); // (600 requests a minute is this server's limit)
                assertEquals(429, send(s, body).statusCode(), "the permit is taken while it runs");
            }
            long left = System.nanoTime();
            int status;
            do {
                Thread.sleep(50);
                status = s.get("/v1/models").statusCode() == 200 ? s.post("/v1/embeddings", "{\"model\":\"tiny-chat\",\"input\":\"hi\"}").statusCode() : 0;
            } while (status == 429 && System.nanoTime() - left < 60_000_000_000L);
            double freedAfter = (System.nanoTime() - left) / 1e9;
            assertTrue(status != 429, "the permit came back");
            assertTrue(freedAfter < wholeSeconds / 2, "the permit came back after " + freedAfter + " s, not after the whole transcription ("
                    + wholeSeconds + " s)");
            assertTrue(records.stream().anyMatch(r -> r.getMessage().startsWith("the client left before its transcription was ready")),
                    "one line says so");
        } finally {
            Logger.getLogger("").removeHandler(capture);
        }
    }

    private static HttpResponse<String> send(TestServer s, byte[] body) throws Exception {
        return s.http.send(HttpRequest.newBuilder(URI.create(s.base() + "/v1/audio/transcriptions"))
                .header("Content-Type", "multipart/form-data; boundary=MuseBoundary7").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
