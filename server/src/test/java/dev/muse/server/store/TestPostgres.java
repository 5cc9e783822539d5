package dev.muse.server.store;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A PostgreSQL server for tests: the one {@code MUSE_TEST_DB_URL} names (with {@code MUSE_TEST_DB_USER},
 * {@code MUSE_TEST_DB_PASSWORD}), or else a throwaway cluster this class creates with the installed
 * server binaries (initdb + pg_ctl, a free port, a temporary directory) and removes when the JVM exits.
 * initdb refuses to run as root, so as root the cluster runs as the postgres user (or nobody).
 *
 * <p>Each test gets a fresh schema, so tests never see each other's rows. Nothing here skips: if no
 * server can be had, the test fails and says how to provide one.
 */
final class TestPostgres {
    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static Server server;

    private record Server(String url, String user, String password) {}

    private TestPostgres() {}

    /** A new, empty schema and a store configuration that uses it. */
    static synchronized StoreConfig freshSchema() throws Exception {
        if (server == null) server = start();
        String schema = "t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
        try (Connection connection = DriverManager.getConnection(server.url(), server.user(), server.password());
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        String separator = server.url().contains("?") ? "&" : "?";
        return new StoreConfig(server.url() + separator + "currentSchema=" + schema, server.user(), server.password());
    }

    /** Drops a schema made by {@link #freshSchema}, so a shared server does not fill up with test data. */
    static synchronized void drop(StoreConfig config) throws SQLException {
        String schema = config.url().substring(config.url().lastIndexOf("currentSchema=") + "currentSchema=".length());
        try (Connection connection = DriverManager.getConnection(server.url(), server.user(), server.password());
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private static Server start() throws Exception {
        String url = System.getenv("MUSE_TEST_DB_URL");
        if (url != null && !url.isBlank()) return new Server(url, System.getenv("MUSE_TEST_DB_USER"), System.getenv("MUSE_TEST_DB_PASSWORD"));
        Path bin = serverBinaries();
        Path dir = Files.createTempDirectory("muse-pg-");
        List<String> asServerUser = asServerUser(dir);
        Path data = dir.resolve("data");
        int port = freePort();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(bin, data, dir, asServerUser)));
        run(dir.resolve("initdb.log"), concat(asServerUser, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "muse",
                "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"));
        run(dir.resolve("pg_ctl.log"), concat(asServerUser, bin.resolve("pg_ctl").toString(), "-D", data.toString(),
                "-l", dir.resolve("server.log").toString(), "-w", "-t", "60",
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1", "start"));
        return new Server("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "muse", null);
    }

    /** The newest /usr/lib/postgresql/N/bin (Debian, Ubuntu), else initdb on the PATH. */
    private static Path serverBinaries() throws IOException {
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                var newest = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .max(Comparator.comparingInt(b -> versionNumber(b.getParent().getFileName().toString())));
                if (newest.isPresent()) return newest.get();
            }
        }
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "initdb"))) return Path.of(entry);
        }
        throw new IllegalStateException("PostgreSQL server binaries (initdb, pg_ctl) not found: install them (apt-get install postgresql)"
                + " or point MUSE_TEST_DB_URL at a server the tests may create schemas in");
    }

    private static int versionNumber(String name) {
        try {
            return Integer.parseInt(name.replaceAll("\\..*", ""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** As root: hands the directory to the postgres user (or nobody) and returns the command prefix that runs as them. */
    private static List<String> asServerUser(Path dir) throws IOException {
        if (new UnixSystem().getUid() != 0) return List.of();
        int[] ids = serverUser();
        Files.setAttribute(dir, "unix:uid", ids[0]);
        Files.setAttribute(dir, "unix:gid", ids[1]);
        return List.of("setpriv", "--reuid=" + ids[0], "--regid=" + ids[1], "--clear-groups", "--");
    }

    /** uid and gid of the postgres user if there is one, else nobody's. */
    private static int[] serverUser() throws IOException {
        for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
            String[] fields = line.split(":");
            if (fields.length > 3 && fields[0].equals("postgres")) return new int[] {Integer.parseInt(fields[2]), Integer.parseInt(fields[3])};
        }
        return new int[] {65534, 65534};
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void run(Path log, List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in 120 s");
        }
        if (process.exitValue() != 0) {
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Path serverLog = log.resolveSibling("server.log");
            if (Files.exists(serverLog)) output += "\nserver.log:\n" + Files.readString(serverLog, StandardCharsets.UTF_8);
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + process.exitValue() + "):\n" + output);
        }
    }

    private static void stop(Path bin, Path data, Path dir, List<String> asServerUser) {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                run(dir.resolve("stop.log"), concat(asServerUser, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"));
            }
        } catch (Exception e) {
            System.err.println("could not stop the test PostgreSQL in " + data + ": " + e);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }

    private static List<String> concat(List<String> prefix, String... rest) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(Arrays.asList(rest));
        return all;
    }
}
