package dev.muse.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `muse studio` on a fresh home: it imports the bundled model from the offline model folder, loads it, and only then
 * says it is running, so the first message is answered at once and /v1/models shows the model loaded.
 */
class StudioCommandTest {
    private static final Pattern RUNNING = Pattern.compile("Muse Studio: http://127\\.0\\.0\\.1:(\\d+)/");

    @TempDir Path home;

    @Test
    void saysItIsRunningOnlyOnceTheBundledModelIsLoaded() throws Exception {
        String offline = Path.of(System.getProperty("muse.shared", "../shared"), "models").toAbsolutePath().toString();
        try (MuseProcess studio = MuseProcess.start(home, Map.of("MUSE_OFFLINE_MODELS", offline), "studio", "--no-browser", "--port", "0")) {
            Matcher running = studio.await(RUNNING);
            String said = studio.said();
            assertTrue(said.contains("importing stories260K from"), said);
            int loading = said.indexOf("Loading stories260K..."), loaded = said.indexOf("Muse is running with stories260K loaded (512-token context).");
            assertTrue(loading >= 0 && loaded > loading, "says it loads, then that it is running with the model loaded:\n" + said);

            HttpResponse<String> models = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + running.group(1) + "/v1/models/stories260K")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, models.statusCode(), models.body());
            JsonNode model = new ObjectMapper().readTree(models.body());
            assertTrue(model.get("loaded").asBoolean(), models.body());
            assertEquals(512, model.get("context_length").asInt(), models.body());
        }
    }
}
