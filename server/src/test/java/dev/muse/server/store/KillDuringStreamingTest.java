package dev.muse.server.store;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Durability: a separate JVM streams replies into the store and is killed with SIGKILL in the middle;
 * everything it was told had been stored must be there when the database is opened again.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestEngine.class)
class KillDuringStreamingTest {
    static final int ACKNOWLEDGEMENTS_BEFORE_KILL = 60;

    @Parameter TestEngine engine;
    @TempDir Path dir;

    @Test void everyAcknowledgedWriteSurvivesKill9() throws Exception {
        StoreConfig config = engine.freshDatabase(dir);
        String conversation;
        try (Store store = Store.open(config)) {
            conversation = store.conversations().create(StreamingWriter.OWNER, "killed mid-stream", null, null).id();
        }
        Path childErrors = dir.resolve("child.err");
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(java, "-Xmx128m", "--enable-native-access=ALL-UNNAMED", "-cp", classPath, StreamingWriter.class.getName(), config.url(),
                config.user() == null ? "" : config.user(), config.password() == null ? "" : config.password(), conversation)
                .redirectError(childErrors.toFile()).start();

        List<String> acknowledged = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; acknowledged.size() < ACKNOWLEDGEMENTS_BEFORE_KILL && (line = out.readLine()) != null; ) acknowledged.add(line);
            // SIGKILL: no shutdown hooks, no close(), likely in the middle of a write. Through the ProcessHandle,
            // because Process.destroyForcibly() would also close our end of the pipe, losing unread lines.
            assertTrue(child.toHandle().destroyForcibly());
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            // What was printed before the kill but not yet read was acknowledged too.
            for (String line; (line = out.readLine()) != null; ) acknowledged.add(line);
        }
        assertTrue(acknowledged.size() >= ACKNOWLEDGEMENTS_BEFORE_KILL,
                "the child stopped early (exit " + child.exitValue() + "): " + Files.readString(childErrors));
        assertNotEquals(0, child.exitValue(), "killed, not finished");

        try (Store store = Store.open(config)) {
            Map<String, Message> stored = store.messages().list(StreamingWriter.OWNER, conversation).stream()
                    .collect(Collectors.toMap(Message::id, Function.identity()));
            for (String line : acknowledged) {
                String[] fields = line.split(" ");
                Message message = stored.get(fields[1]);
                assertNotNull(message, "acknowledged but lost: " + line);
                switch (fields[0]) {
                    case "message" -> { }
                    case "saved" -> assertTrue(message.content().asText().length() >= Integer.parseInt(fields[2]),
                            "reply text shorter than acknowledged: " + line + " -> " + message.content());
                    case "finished" -> assertEquals(MessageStatus.COMPLETE, message.status(), line);
                    default -> fail("unexpected line from the child: " + line);
                }
            }
            List<Integer> ordinals = stored.values().stream().map(Message::ordinal).sorted().toList();
            for (int i = 0; i < ordinals.size(); i++) assertEquals(i, ordinals.get(i), "no gaps after the crash");
        } finally {
            engine.dispose(config);
        }
    }
}
