package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client that drops its connection mid-request is one log record, not a stack trace (issue 14, item 9). */
class DroppedConnectionTest {
    @TempDir Path dir;

    @Test
    void aRequestCutShortIsOneLogRecordWithoutAStackTrace() throws Exception {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override public void publish(LogRecord r) { records.add(r); }
            @Override public void flush() { }
            @Override public void close() { }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try (TestServer s = new TestServer(dir)) {
            String[] cutShort = {
                    "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"mo", // in the body
                    "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"model\":",
                    "GET /health HTTP/1.1\r\nHo", // in the header: Helidon's own WARNING with a stack trace, before
                    "GET /health HTTP/1.1\r\nHost: x\r\nAcc"};
            for (String request : cutShort) {
                try (Socket socket = new Socket("127.0.0.1", s.server.port())) {
                    OutputStream out = socket.getOutputStream();
                    out.write(request.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(100);
                }
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (records.stream().filter(r -> r.getMessage().contains("closed the connection")).count() < cutShort.length
                    && System.nanoTime() < deadline)
                Thread.sleep(20);
            assertEquals(200, s.get("/health").statusCode(), "the server goes on");
        } finally {
            root.removeHandler(capture);
        }
        List<LogRecord> dropped = records.stream().filter(r -> r.getMessage().contains("closed the connection")).toList();
        assertEquals(4, dropped.size(), "one record per dropped request");
        for (LogRecord r : dropped) assertNull(r.getThrown(), "no stack trace");
        List<LogRecord> loud = records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue()).toList();
        assertEquals(List.of(), loud.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()).toList(), "nothing else is reported");
    }
}
