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
}
