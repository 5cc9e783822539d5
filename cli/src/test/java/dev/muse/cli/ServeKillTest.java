package dev.muse.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.muse.engine.GgmlType;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `muse serve` killed with SIGKILL in the middle of a streamed chat: after a restart the conversation
 * still holds the user's turn (acknowledged: it was stored before the first byte of the answer) and the
 * reply as far as it had been saved, marked incomplete.
 */
class ServeKillTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SERVING = Pattern.compile("Muse serving on http://127\\.0\\.0\\.1:(\\d+)/v1");

    @TempDir Path home;
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void killMinusNineLosesNoAcknowledgedMessage() throws Exception {
        Path model = new TinyModel(TinyFamily.LLAMA2, GgmlType.F32, 13).write(Files.createDirectories(home.resolve("models")).resolve("tiny.gguf"),
                m -> {
                    m.putString("tokenizer.chat_template", "{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}[assistant] ");
                    m.putUInt32("llama.context_length", 4096);
                });
        MuseProcess first = serve();
        String base = "http://127.0.0.1:" + port(first);
        String id = JSON.readTree(post(base + "/v1/conversations", "{\"title\":\"crash test\"}").body()).get("id").asText();
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"tiny\",\"conversation_id\":\"" + id
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Write a very long story\"}],\"max_tokens\":4000,\"stream\":true}")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        StringBuilder received = new StringBuilder();
        BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        // From the first text on, 1.5 s: long enough for the reply to be saved at least once (the server saves every
        // 0.5 s), however long a loaded machine took to load the model and start.
        long until = Long.MAX_VALUE;
        for (String line; System.nanoTime() < until && (line = events.readLine()) != null; ) {
            if (line.startsWith("data: {")) received.append(JSON.readTree(line.substring(6)).get("choices").get(0).get("delta").path("content").asText(""));
            if (until == Long.MAX_VALUE && !received.isEmpty()) until = System.nanoTime() + 1_500_000_000L;
        }
        assertFalse(received.isEmpty(), "the answer streamed");
        first.process.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
        assertTrue(first.process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, first.process.exitValue(), "killed by SIGKILL");

        try (MuseProcess second = serve()) {
            String base2 = "http://127.0.0.1:" + port(second);
            JsonNode messages = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base2 + "/v1/conversations/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("messages");
            assertEquals(2, messages.size(), messages.toString());
            assertEquals("user", messages.get(0).get("role").asText());
            assertEquals("Write a very long story", messages.get(0).get("content").asText());
            assertEquals("complete", messages.get(0).get("status").asText());
            JsonNode reply = messages.get(1);
            assertEquals("assistant", reply.get("role").asText());
            assertEquals("incomplete", reply.get("status").asText(), "the reply was cut off by the kill");
            String saved = reply.get("content").asText();
            assertFalse(saved.isEmpty(), "the reply was saved while it streamed");
            assertTrue(saved.startsWith(received.toString()) || received.toString().startsWith(saved),
                    "what was saved is what was streamed:\nsaved    " + saved + "\nreceived " + received);
        }
    }

    private MuseProcess serve() throws Exception {
        return MuseProcess.start(home, Map.of(), "serve", "--port", "0");
    }

    private static int port(MuseProcess p) throws Exception {
        return Integer.parseInt(p.await(SERVING).group(1));
    }

    private HttpResponse<String> post(String url, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
