package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.runtime.Engine;
import dev.muse.runtime.Scheduler;
import dev.muse.server.store.Store;
import dev.muse.server.store.StoreConfig;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded slow-client flood on loopback (issue 14, item 1, in part): the server holds at most its connection cap
 * however many clients pile up, so file descriptors cannot run out and kill the listener, and it answers again as
 * soon as the flood goes.
 */
class FloodTest {
    @TempDir Path dir;

    @Test
    void aFloodOfUnfinishedHeadersHoldsNoMoreThanTheCapAndTheListenerSurvives() throws Exception {
        MuseServer.Connections limits = new MuseServer.Connections(20, Duration.ofSeconds(30), Duration.ofSeconds(30));
        Engine engine = new Engine(new Engine.Config(List.of(), null, 1L << 20, Scheduler.Options.serving(1, 64)));
        try (MuseServer server = new MuseServer(new MuseServer.Config("127.0.0.1", 0, false, k -> Optional.empty(), 1 << 20, 64, 1, 600, false,
                limits), engine, Store.open(StoreConfig.sqlite(dir.resolve("muse.db"))))) {
            long before = openDescriptors();
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    Socket s = new Socket("127.0.0.1", server.port());
                    s.getOutputStream().write("GET /health HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
                    slow.add(s);
                }
                Thread.sleep(500); // let the listener accept all it will
                long held = openDescriptors() - before - slow.size(); // this JVM holds both ends: subtract the clients'
                assertTrue(held <= limits.max() + 5, "the server holds " + held + " connections, above its cap of " + limits.max());
            } finally {
                for (Socket s : slow) s.close();
            }
            HttpResponse<String> after = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health")).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, after.statusCode(), "the listener still accepts once the flood is gone");
        }
    }

    @Test
    void aKeptAliveConnectionIdleTooLongIsClosed() throws Exception {
        Engine engine = new Engine(new Engine.Config(List.of(), null, 1L << 20, Scheduler.Options.serving(1, 64)));
        try (MuseServer server = new MuseServer(new MuseServer.Config("127.0.0.1", 0, false, k -> Optional.empty(), 1 << 20, 64, 1, 600, false,
                new MuseServer.Connections(20, Duration.ofSeconds(1), Duration.ofSeconds(30))), engine, Store.open(StoreConfig.sqlite(dir.resolve("muse.db"))));
             Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(10_000);
            var in = s.getInputStream();
            byte[] buffer = new byte[4096];
            String head = new String(buffer, 0, in.read(buffer), StandardCharsets.US_ASCII);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            long t0 = System.nanoTime();
            int read;
            try {
                while ((read = in.read(buffer)) > 0) { } // the rest of the answer, then the close
            } catch (java.net.SocketException reset) {
                read = -1;
            }
            assertEquals(-1, read, "closed by the server");
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "within a few seconds of the idle timeout");
        }
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
