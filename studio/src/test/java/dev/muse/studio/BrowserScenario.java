package dev.muse.studio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs one scenario of src/test/node/scenarios-*.mjs in headless Chromium (Debian's /usr/bin/chromium) driven by
 * Playwright (npm playwright-core, installed by the build). A scenario fails on any console error and saves
 * screenshots under target/studio-screenshots. Without Chromium or Playwright the tests fail; they never skip.
 */
final class BrowserScenario {
    private static final Path CHROMIUM = Path.of(System.getProperty("muse.chromium", "/usr/bin/chromium"));
    private static final Path NODE_DIR = Path.of(System.getProperty("muse.studio.node", "target/studio-node"));
    private static final Path SCREENSHOTS = Path.of(System.getProperty("muse.studio.screenshots", "target/studio-screenshots"));

    /** Lines the scenario prints, answered by the test (a server restart, say). */
    @FunctionalInterface
    interface Conversation {
        void onLine(String line, Writer reply) throws IOException;
    }

    private BrowserScenario() { }

    /** Fails with what to install unless Chromium and Playwright are there. */
    static void requireBrowser() {
        assertTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM
                + ": the studio's browser tests need it (Debian: apt-get install -y chromium; .ci/run installs it)");
        assertTrue(Files.isDirectory(NODE_DIR.resolve("node_modules/playwright-core")),
                "playwright-core is not installed in " + NODE_DIR + " (the Maven build installs it in generate-test-resources)");
    }

    static void run(String name, String base, String argument) throws Exception {
        run(name, base, argument, (line, reply) -> { });
    }

    static void run(String name, String base, String argument, Conversation conversation) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("node", "e2e.mjs", name, base + "/", SCREENSHOTS.toAbsolutePath().toString());
        if (argument != null) builder.command().add(argument);
        builder.environment().put("MUSE_CHROMIUM", CHROMIUM.toString());
        // the fake microphone says jfk.wav's sentence (rather than Chromium's default beep)
        builder.environment().put("MUSE_FAKE_AUDIO", fakeMicrophone().toString());
        Process node = builder.directory(NODE_DIR.toFile()).redirectErrorStream(true).start();
        boolean[] timedOut = {false};
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                if (!node.waitFor(180, TimeUnit.SECONDS)) {
                    timedOut[0] = true;
                    node.destroyForcibly();
                }
            } catch (InterruptedException e) {
                node.destroyForcibly();
            }
        });
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
             Writer reply = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
            for (String line; (line = lines.readLine()) != null; ) {
                output.append(line).append('\n');
                conversation.onLine(line, reply);
            }
        }
        watchdog.join();
        if (timedOut[0]) fail("the " + name + " scenario did not finish in 3 minutes:\n" + output);
        System.out.print(output); // kept in the surefire report: the screenshot paths
        assertEquals(0, node.exitValue(), "the " + name + " scenario failed:\n" + output);
    }

    /**
     * What Chromium's fake microphone plays: jfk.wav's sentence, then 4 s of silence (a speaker who stops talking).
     * Written as an absolute path without "..": Chromium plays silence for a path with ".." in it. Each test JVM
     * writes its own copy (the two test forks may start at once), then moves it into place.
     */
    private static synchronized Path fakeMicrophone() throws IOException {
        Path file = Path.of("target", "fake-microphone.wav").toAbsolutePath().normalize();
        if (Files.isRegularFile(file)) return file;
        Path jfk = Path.of(System.getProperty("muse.shared", "../../shared"), "media", "jfk.wav").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jfk)) fail("test data missing: " + jfk + " (the shared folder must sit beside the checkout)");
        float[] speech = new dev.muse.media.AudioDecoder().decode(jfk).samples();
        float[] withPause = java.util.Arrays.copyOf(speech, speech.length + 4 * 16000);
        Files.createDirectories(file.getParent());
        Path part = Files.createTempFile(file.getParent(), "fake-microphone", ".part");
        Files.write(part, dev.muse.media.WavWriter.pcm16(new dev.muse.media.Audio(withPause, 16000)));
        Files.move(part, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }
}
