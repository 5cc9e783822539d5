package dev.muse.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code muse} as a child process on the test's classpath, with its own MUSE_HOME, read line by line from its stderr. */
final class MuseProcess implements AutoCloseable {
    final Process process;
    private final BufferedReader err;
    private final StringBuilder seen = new StringBuilder();

    private MuseProcess(Process process) {
        this.process = process;
        this.err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    }

    /** Runs {@code muse ARGS} with MUSE_HOME at {@code home}, {@code env} added, and the embedded database. */
    static MuseProcess start(Path home, Map<String, String> env, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), "dev.muse.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("MUSE_HOME", home.toString());
        pb.environment().remove("MUSE_DB_URL");
        pb.environment().putAll(env);
        return new MuseProcess(pb.start());
    }

    /**
     * Reads stderr until a line matches {@code line} (within a minute); the rest of stderr is then drained in the
     * background. Fails with everything the child said when it never comes.
     */
    Matcher await(Pattern line) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        for (String l; System.nanoTime() < deadline && (l = err.readLine()) != null; ) {
            seen.append(l).append('\n');
            Matcher m = line.matcher(l);
            if (m.find()) {
                Thread.ofVirtual().start(() -> err.lines().forEach(x -> { }));
                return m;
            }
        }
        throw new AssertionError("muse never said " + line + ":\n" + seen);
    }

    /** What stderr said up to the line {@link #await} found. */
    String said() { return seen.toString(); }

    @Override public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }
}
