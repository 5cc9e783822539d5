package dev.muse.server.store;

import dev.muse.hub.ModelFiles;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which database the store opens: a JDBC URL plus optional credentials.
 *
 * <p>{@link #fromEnvironment()} is what the server and the CLI use: {@code MUSE_DB_URL} when set
 * ({@code jdbc:postgresql://host:port/db} or {@code jdbc:sqlite:FILE}; {@code MUSE_DB_USER} and
 * {@code MUSE_DB_PASSWORD} fill in credentials the URL does not carry), otherwise the SQLite file
 * {@code muse.db} in the data directory ({@code $MUSE_HOME}, default {@code ~/.muse}).
 *
 * @param user     null to take it from the URL (or the driver's default)
 * @param password null to take it from the URL; never printed by {@link #toString()}
 */
public record StoreConfig(String url, String user, String password) {
    /** Name of the SQLite file in the data directory. */
    public static final String DEFAULT_FILE_NAME = "muse.db";
    /**
     * System property that overrides {@code $MUSE_HOME} for the store. It exists for in-process tests,
     * which cannot set environment variables; people set {@code MUSE_HOME} instead.
     */
    public static final String HOME_PROPERTY = "muse.home";

    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&;]*");

    public StoreConfig {
        if (url == null || url.isBlank()) throw new IllegalArgumentException("no database URL given");
        vendorOf(url); // refuse an unsupported URL here, before anything tries to connect
    }

    public static StoreConfig sqlite(Path file) {
        return new StoreConfig("jdbc:sqlite:" + file.toAbsolutePath(), null, null);
    }

    public static StoreConfig fromEnvironment() {
        return from(System.getenv(), museHome());
    }

    /** The selection rule of {@link #fromEnvironment()}, over explicit values. */
    public static StoreConfig from(Map<String, String> environment, Path home) {
        String url = blankToNull(environment.get("MUSE_DB_URL"));
        if (url == null) return sqlite(home.resolve(DEFAULT_FILE_NAME));
        return new StoreConfig(url, blankToNull(environment.get("MUSE_DB_USER")), blankToNull(environment.get("MUSE_DB_PASSWORD")));
    }

    /** The data directory: the {@value #HOME_PROPERTY} system property if set, else {@code $MUSE_HOME} or {@code ~/.muse}. */
    public static Path museHome() {
        String property = blankToNull(System.getProperty(HOME_PROPERTY));
        return property != null ? Path.of(property) : ModelFiles.home();
    }

    Vendor vendor() { return vendorOf(url); }

    /** The URL with any password parameter blanked out, fit for messages and logs. */
    public String redactedUrl() {
        return PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
    }

    /** For SQLite: the database file the URL names. */
    Path sqliteFile() {
        String rest = url.substring("jdbc:sqlite:".length());
        if (rest.startsWith("file:")) rest = rest.substring("file:".length());
        int query = rest.indexOf('?');
        return Path.of(query >= 0 ? rest.substring(0, query) : rest);
    }

    @Override public String toString() {
        return "StoreConfig[" + redactedUrl() + (user != null ? ", user " + user : "") + "]";
    }

    enum Vendor { SQLITE, POSTGRESQL }

    private static Vendor vendorOf(String url) {
        if (url.startsWith("jdbc:postgresql:")) return Vendor.POSTGRESQL;
        if (url.startsWith("jdbc:sqlite:")) {
            String rest = url.substring("jdbc:sqlite:".length());
            if (rest.isEmpty() || rest.startsWith(":memory:") || rest.contains("mode=memory")) {
                // Every pooled connection would get its own empty database.
                throw new IllegalArgumentException("unsupported database URL " + url + ": SQLite needs a file (jdbc:sqlite:/path/to/muse.db)");
            }
            return Vendor.SQLITE;
        }
        String shown = PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
        throw new IllegalArgumentException("unsupported database URL " + shown
                + ": use jdbc:sqlite:FILE or jdbc:postgresql://HOST[:PORT]/DATABASE");
    }

    private static String blankToNull(String s) { return s == null || s.isBlank() ? null : s; }
}
