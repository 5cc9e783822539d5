package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics cannot be written into by a client's paths, keeps a fixed set of series, and needs a key where keys are on. */
class MetricsTest {
    @TempDir Path dir;

    static final Pattern ENDPOINT = Pattern.compile("endpoint=\"([^\"]*)\"");

    @Test
    void pathsCannotInjectLinesOrAddSeries() throws Exception {
        try (TestServer s = new TestServer(dir)) {
            // a label that closes itself and writes a fake sample line, as a probe once did
            assertEquals(404, s.get("/x%22%7D%201e9%0Amuse_models_loaded%2099%0A%23").statusCode());
            for (int i = 0; i < 50; i++) assertEquals(404, s.get("/probe-" + i).statusCode());
            assertEquals(200, s.get("/v1/models/tiny-chat").statusCode());
            String metrics = s.get("/metrics").body();
            assertFalse(metrics.contains("muse_models_loaded 99"), metrics);
            Set<String> endpoints = new TreeSet<>();
            for (Matcher m = ENDPOINT.matcher(metrics); m.find(); ) endpoints.add(m.group(1));
            assertEquals(Set.of("other", "/v1/models/{id}"), endpoints, "unknown paths count as 'other', ids are folded");
            assertTrue(metrics.contains("muse_requests_total{endpoint=\"other\",status=\"404\"} 51"), metrics);
        }
    }

    @Test
    void aKeyedServerAnswersMetricsOnlyWithAKey() throws Exception {
        try (TestServer s = new TestServer(dir, true)) {
            String key = s.store.keys().create("ops").secret();
            OpenAiApiTest.assertError(s.send("GET", "/metrics", null, null), 401, null, "invalid_api_key");
            var r = s.send("GET", "/metrics", null, key);
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("muse_models_loaded 0"), r.body());
            assertEquals(200, s.send("GET", "/health", null, null).statusCode(), "health needs no key");
        }
    }
}
