package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of src/test/node's scripts with the official openai npm client (installed by the build beside client.mjs) and
 * returns what it printed; a script that fails, or does not finish in time, fails the test.
 */
final class OpenAiClient {
    private OpenAiClient() {}

    static String run(String script, int timeoutSeconds, String... args) throws Exception {
        Path file = Path.of(System.getProperty("muse.openai.client", "target/openai-node/client.mjs")).resolveSibling(script);
        assertTrue(Files.isRegularFile(file), "the openai npm client is not installed beside " + file);
        List<String> command = new ArrayList<>(List.of("node", file.toString()));
        command.addAll(List.of(args));
        Process node = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(timeoutSeconds, TimeUnit.SECONDS), "node did not finish");
        assertEquals(0, node.exitValue(), out);
        return out;
    }
}
