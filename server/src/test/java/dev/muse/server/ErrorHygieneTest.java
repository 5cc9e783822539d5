package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input is a 400 that says what is wrong; a failure of the server's own is a 500 that says nothing of its
 * internals (SQL errors, library settings) but gives an id the log has the details under.
 */
class ErrorHygieneTest {
    @TempDir Path dir;

    @Test
    void badContentPartsAreA400NotA500() throws Exception {
        try (TestServer s = new TestServer(dir)) {
            String id = TestServer.json(s.post("/v1/conversations", "{\"title\":\"t\"}")).get("id").asText();
            OpenAiApiTest.assertError(s.post("/v1/conversations/" + id + "/messages", "{\"role\":\"user\",\"content\":[1,{\"type\":\"zzz\"}]}"),
                    400, "content", null);
        }
    }

    @Test
    void malformedBodiesAreRefusedWithoutLibraryInternals() throws Exception {
        try (TestServer s = new TestServer(dir)) {
            var trailing = s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} trailing");
            OpenAiApiTest.assertError(trailing, 400, null, null);
            var deep = s.post("/v1/chat/completions", "[".repeat(200) + "]".repeat(200));
            OpenAiApiTest.assertError(deep, 400, null, null);
            assertTrue(deep.body().contains("nested more than 64 levels"), deep.body());
            assertFalse(deep.body().contains("StreamReadConstraints"), deep.body());
            OpenAiApiTest.assertError(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                    + "\"logit_bias\":{\"50256\":-100}}"), 400, "logit_bias", null);
        }
    }

    @Test
    void aStoreFailureIsAGeneric500WithARequestId() throws Exception {
        try (TestServer s = new TestServer(dir)) {
            String id = TestServer.json(s.post("/v1/conversations", "{\"title\":\"t\"}")).get("id").asText();
            try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("muse.db"))) {
                assertEquals(1, db.createStatement().executeUpdate("UPDATE conversations SET settings = '{broken' WHERE id = '" + id + "'"));
            }
            var r = s.get("/v1/conversations/" + id);
            OpenAiApiTest.assertError(r, 500, null, null);
            String message = TestServer.json(r).get("error").get("message").asText();
            assertTrue(message.matches(".*request id [0-9a-f]{16}.*"), message);
            assertFalse(message.contains("corrupt") || message.contains("broken") || message.contains("Unexpected"), message);
        }
    }

    /** What Helidon refuses before any route runs comes back in OpenAI's error shape too (it had an empty body). */
    @Test
    void protocolLevelRejectionsHaveAnOpenAiBody() throws Exception {
        try (TestServer s = new TestServer(dir)) {
            for (String request : new String[] {
                    "GET /v1/models?" + "x".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",  // a URI far over the limit
                    "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(40_000) + "\r\n\r\n", // a header far over it
                    "NOT A REQUEST LINE\r\n\r\n"}) {
                String answer = raw(s, request);
                assertTrue(answer.startsWith("HTTP/1.1 4"), request.substring(0, Math.min(30, request.length())) + " -> [" + answer + "]");
                String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
                var error = dev.muse.server.openai.Json.MAPPER.readTree(body).get("error");
                assertNotNull(error, answer);
                assertTrue(error.has("message") && error.has("type") && error.has("code"), body);
            }
        }
    }

    private static String raw(TestServer s, String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", s.server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
