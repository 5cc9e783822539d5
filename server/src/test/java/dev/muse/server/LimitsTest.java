package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-key request rate and concurrent generations are capped, with OpenAI's 429. */
class LimitsTest {
    @TempDir Path dir;

    @Test
    void theRateLimitAnswers429OnceTheBucketIsEmpty() throws Exception {
        try (TestServer s = new TestServer(dir, false, 8, 3)) {
            for (int i = 0; i < 3; i++) assertEquals(200, s.get("/v1/models").statusCode());
            OpenAiApiTest.assertError(s.get("/v1/models"), 429, null, "rate_limit_exceeded");
            assertEquals(200, s.get("/health").statusCode(), "health is not rate limited");
        }
    }

    @Test
    void aKeyMayRunOnlySoManyGenerationsAtOnce() throws Exception {
        try (TestServer s = new TestServer(dir, false, 1, 600)) {
            HttpResponse<InputStream> running = s.http.send(HttpRequest.newBuilder(URI.create(s.base() + "/v1/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"tiny-chat\",\"prompt\":\"a\",\"max_tokens\":1900,\"stream\":true}")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, running.statusCode());
            running.body().read(); // the first generation is under way
            OpenAiApiTest.assertError(s.post("/v1/completions", "{\"model\":\"tiny-chat\",\"prompt\":\"b\",\"max_tokens\":2}"), 429, null, "rate_limit_exceeded");
            running.body().close();
            OpenAiApiTest.assertError(s.post("/v1/completions", "{\"model\":\"tiny-chat\",\"prompt\":\"b\",\"max_tokens\":9000}"), 400, "max_tokens", null);
        }
    }
}
