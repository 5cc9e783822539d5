package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.GgmlType;
import dev.muse.runtime.Engine;
import dev.muse.runtime.Scheduler;
import dev.muse.server.store.Store;
import dev.muse.server.store.StoreConfig;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow clients on loopback with a one-second request timeout (issue 14, item 1): an unfinished header or a stalled
 * body loses its connection, while a slow body that keeps moving, and an answer that takes longer than the timeout,
 * are served.
 */
class SlowClientTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    @TempDir Path dir;
    MuseServer server;

    @BeforeEach
    void start() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        new TinyModel(TinyFamily.LLAMA2, GgmlType.Q8_0, 31).write(models.resolve("tiny-chat.gguf"), m -> {
            m.putString("tokenizer.chat_template", TestServer.TEMPLATE);
            m.putUInt32("llama.context_length", TestServer.CONTEXT);
        });
        Engine engine = new Engine(new Engine.Config(List.of(), models, 1L << 30, new Scheduler.Options(4, TestServer.CONTEXT, 64)));
        server = new MuseServer(new MuseServer.Config("127.0.0.1", 0, false, k -> Optional.empty(), 1 << 20, 8192, 8, 600, false,
                new MuseServer.Connections(20, Duration.ofSeconds(30), TIMEOUT)), engine, Store.open(StoreConfig.sqlite(dir.resolve("muse.db"))));
    }

    @AfterEach
    void stop() { server.close(); }

    @Test
    void anUnfinishedHeaderLosesItsConnection() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /health HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
            assertClosedWithin(s, 5);
        }
    }

    @Test
    void aStalledBodyLosesItsConnection() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(("POST /v1/conversations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                    + "{\"title\":").getBytes(StandardCharsets.US_ASCII));
            assertClosedWithin(s, 5);
        }
    }

    @Test
    void aSlowBodyThatKeepsMovingIsServed() throws Exception {
        String body = "{\"title\":\"a slow one\"}";
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/conversations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < body.length(); i += 6) { // about 2.4 s in all, never 1 s without a byte
                Thread.sleep(600);
                out.write(body.substring(i, Math.min(body.length(), i + 6)).getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            assertTrue(response(s).startsWith("HTTP/1.1 201"), "the conversation was created");
        }
    }

    @Test
    void anAnswerLongerThanTheTimeoutIsNotCut() throws Exception {
        String body = "{\"model\":\"tiny-chat\",\"n\":2,\"max_tokens\":1900,\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"Go on\"}]}";
        try (Socket s = connect()) {
            long start = System.nanoTime();
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            String head = response(s);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(System.nanoTime() - start > 2 * TIMEOUT.toNanos(), "the answer took longer than the timeout, as meant");
        }
    }

    private Socket connect() throws Exception {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(60_000);
        return s;
    }

    /** The first bytes of the answer. */
    private static String response(Socket s) throws Exception {
        byte[] buffer = new byte[256];
        int n = s.getInputStream().read(buffer);
        return n < 0 ? "(closed)" : new String(buffer, 0, n, StandardCharsets.US_ASCII);
    }

    private static void assertClosedWithin(Socket s, int seconds) throws Exception {
        long start = System.nanoTime();
        InputStream in = s.getInputStream();
        int read;
        try {
            read = in.read();
        } catch (SocketException reset) {
            read = -1;
        }
        assertEquals(-1, read, "the server closed the connection without an answer");
        assertTrue(System.nanoTime() - start < seconds * 1_000_000_000L, "closed within " + seconds + " s");
    }
}
