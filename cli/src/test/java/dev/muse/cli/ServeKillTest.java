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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
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
        Process first = serve();
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
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, first.exitValue(), "killed by SIGKILL");

        Process second = serve();
        try {
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
        } finally {
            second.destroyForcibly();
            second.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Process serve() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), "dev.muse.cli.Main", "serve", "--port", "0"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("MUSE_HOME", home.toString());
        pb.environment().remove("MUSE_DB_URL");
        return pb.start();
    }

    /** Reads the child's stderr until it says where it listens; the rest of stderr is drained in the background. */
    private static int port(Process p) throws Exception {
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + 60_000_000_000L;
        for (String line; System.nanoTime() < deadline && (line = err.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher m = SERVING.matcher(line);
            if (m.find()) {
                Thread.ofVirtual().start(() -> err.lines().forEach(l -> { }));
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("muse serve did not start:\n" + seen);
    }

    private HttpResponse<String> post(String url, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
