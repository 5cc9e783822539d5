package dev.muse.studio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server serves the studio's files from this module's jar: the right types, a strict policy, nothing else. */
class StudioAssetsTest {
    @TempDir static Path dir;
    static StudioTestServer server;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = new StudioTestServer(dir, dir, false); // no models needed
    }

    @AfterAll
    static void stop() { server.close(); }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base() + path));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theIndexAndItsFilesWithTheirTypes() throws Exception {
        HttpResponse<String> index = get("/");
        assertEquals(200, index.statusCode());
        assertEquals("text/html; charset=utf-8", index.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(index.body().contains("<title>Muse Studio</title>"));
        String policy = index.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(policy.contains("script-src 'self'") && policy.contains("connect-src 'self'") && !policy.contains("unsafe"), policy);
        assertEquals("nosniff", index.headers().firstValue("X-Content-Type-Options").orElseThrow());

        assertEquals("text/javascript; charset=utf-8", get("/studio/js/main.js").headers().firstValue("Content-Type").orElseThrow());
        assertEquals("text/css; charset=utf-8", get("/studio/studio.css").headers().firstValue("Content-Type").orElseThrow());
        assertEquals("image/svg+xml", get("/studio/icons.svg").headers().firstValue("Content-Type").orElseThrow());
        for (String referenced : index.body().split("(href|src)=\"")) {
            if (!referenced.startsWith("studio/")) continue;
            String path = "/" + referenced.substring(0, referenced.indexOf('"'));
            assertEquals(200, get(path).statusCode(), "index.html refers to " + path);
        }
    }

    @Test
    void unchangedFilesAnswer304() throws Exception {
        HttpResponse<String> first = get("/studio/js/chat.js");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertEquals("no-cache", first.headers().firstValue("Cache-Control").orElseThrow(), "a restarted server may bring new files");
        HttpResponse<String> again = get("/studio/js/chat.js", "If-None-Match", etag);
        assertEquals(304, again.statusCode());
        assertEquals("", again.body());
        assertEquals(200, get("/studio/js/chat.js", "If-None-Match", "\"stale\"").statusCode());
    }

    @Test
    void nothingOutsideTheStudioFolderIsReachable() throws Exception {
        for (String path : new String[]{"/studio/%2e%2e/%2e%2e/server/MuseServer.class", "/studio/js/%2e%2e/%2e%2e/%2e%2e/%2e%2e/META-INF/MANIFEST.MF",
                "/studio/JS/MAIN.JS", "/studio/.hidden.js", "/studio/js/main.js.map", "/studio/index.html%00.js", "/studio/", "/studio/nope.js",
                "/studio/%2fetc/passwd.css"}) {
            HttpResponse<String> r = get(path);
            assertEquals(404, r.statusCode(), path + " -> " + r.body());
            assertTrue(r.body().contains("\"code\":\"not_found\""), path + " -> " + r.body());
        }
        // Unnormalised dot segments, as a raw request line (HTTP clients would tidy them up first).
        for (String target : new String[]{"/studio/../../dev/muse/server/MuseServer.class", "/studio/js/../../../pom.xml"}) {
            String answer = raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            String status = answer.substring(0, answer.indexOf("\r\n"));
            assertFalse(status.contains(" 200 "), target + " -> " + status);
            assertFalse(answer.contains("cafebabe") || answer.contains("<project"), target);
        }
        assertEquals(200, get("/v1/models").statusCode(), "the API is still there");
    }

    /** Sends a request as is and returns what came back within two seconds (the server may keep the connection open). */
    private static String raw(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) answer.write(buffer, 0, n);
            } catch (SocketTimeoutException e) {
                // all there was to read
            }
            assertTrue(answer.size() > 0, "no answer to " + request);
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
