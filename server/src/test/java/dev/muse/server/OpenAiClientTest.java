package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.server.openai.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official `openai` npm client, unchanged, against a running server: list models, chat, streamed chat, an error. */
class OpenAiClientTest {
    @TempDir Path dir;

    @Test
    void theOfficialClientWorksUnchanged() throws Exception {
        Path client = Path.of(System.getProperty("muse.openai.client", "target/openai-node/client.mjs"));
        assertTrue(Files.isRegularFile(client), "the openai npm client is not installed at " + client + " (the Maven build installs it)");
        try (TestServer s = new TestServer(dir)) {
            Process node = new ProcessBuilder("node", client.toString(), s.base() + "/v1", "tiny-chat")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(node.waitFor(120, TimeUnit.SECONDS), "node did not finish");
            assertEquals(0, node.exitValue(), out);
            JsonNode seen = Json.MAPPER.readTree(out);
            assertEquals("tiny-chat", seen.get("models").get(0).asText());
            String chat = seen.get("chat").asText();
            assertFalse(chat.isEmpty());
            assertEquals("length", seen.get("finish").asText());
            assertEquals(12, seen.get("usage").get("completion_tokens").asInt());
            assertEquals(chat, seen.get("streamed").asText(), "streamed deltas add up to the same greedy answer");
            assertTrue(seen.get("chunks").asInt() >= 3);
            assertEquals(12, seen.get("streamUsage").get("completion_tokens").asInt());
            assertEquals(404, seen.get("error").get("status").asInt());
            assertEquals("model_not_found", seen.get("error").get("code").asText());
        }
    }
}
