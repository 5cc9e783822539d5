package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that sends a non-streaming request and leaves before the answer is ready no longer keeps the model
 * generating for nobody, holding a sequence slot and its key's only permit (issue 14, item 4).
 */
class AbandonedRequestTest {
    /** Two choices of up to 1,900 tokens: far longer to generate than the test waits for the permit. */
    private static final String LONG = "{\"model\":\"tiny-chat\",\"n\":2,\"max_tokens\":1900,\"temperature\":0,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Write a very long story\"}]}";

    private static final String ONE_TOKEN = "{\"model\":\"tiny-chat\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir Path dir;

    /** Whether the model's batch has sequences running. */
    private static boolean generating(TestServer s) throws Exception {
        return s.get("/metrics").body().lines().anyMatch(l -> l.startsWith("muse_running_sequences{") && !l.endsWith(" 0"));
    }

    @Test
    void anAbandonedWholeAnswerIsCancelledAndFreesTheKeysPermit() throws Exception {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override public void publish(LogRecord r) { records.add(r); }
            @Override public void flush() { }
            @Override public void close() { }
        };
        Logger.getLogger("").addHandler(capture);
        try (TestServer s = new TestServer(dir, false, 1, 600)) {
            long whole = System.nanoTime();
            assertEquals(200, s.post("/v1/chat/completions", LONG).statusCode());
            double wholeSeconds = (System.nanoTime() - whole) / 1e9;

            try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
                OutputStream out = socket.getOutputStream();
                byte[] body = LONG.getBytes(StandardCharsets.UTF_8);
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                // wait until it is generating (a loaded machine may take a while to start it), as /metrics shows, which
                // takes no permit; from then on it holds the key's only one
                long asked = System.nanoTime();
                while (!generating(s) && System.nanoTime() - asked < 20_000_000_000L) Thread.sleep(50);
                assertEquals(429, s.post("/v1/chat/completions", ONE_TOKEN).statusCode(), "the permit is taken while it runs");
            }
            long left = System.nanoTime();
            HttpResponse<String> next;
            do {
                Thread.sleep(50);
                next = s.post("/v1/chat/completions", ONE_TOKEN);
            } while (next.statusCode() == 429 && System.nanoTime() - left < 30_000_000_000L);
            double freedAfter = (System.nanoTime() - left) / 1e9;
            assertEquals(200, next.statusCode(), next.body());
            assertTrue(freedAfter < wholeSeconds / 2, "the permit came back after " + freedAfter + " s, not after the whole answer ("
                    + wholeSeconds + " s)");
            assertTrue(records.stream().anyMatch(r -> r.getMessage().startsWith("the client left before its answer was ready")),
                    "one line says so");
        } finally {
            Logger.getLogger("").removeHandler(capture);
        }
    }
}
