package dev.muse.server.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Connections and transactions. Every store call is one transaction, run by {@link #read} or
 * {@link #write}; when either returns, a write is committed.
 *
 * <p>SQLite: one writer connection (SQLite allows one writer at a time, so queueing in the JVM is
 * cheaper than lock retries), whose transactions begin IMMEDIATE so a write never starts on a stale
 * snapshot and, when another process (the {@code muse keys} CLI) holds the lock, waits up to
 * {@code busy_timeout} instead of failing; a few reader connections, which WAL lets run beside the
 * writer. {@code journal_mode=WAL} with {@code synchronous=FULL} makes every commit durable before it
 * returns, and {@code foreign_keys=ON} makes deletes cascade.
 *
 * <p>PostgreSQL: one small pool for both; its defaults (fsync, synchronous_commit) already make a
 * commit durable.
 */
final class Database implements AutoCloseable {
    @FunctionalInterface
    interface Work<T> { T run(Connection connection) throws SQLException; }

    static final int SQLITE_READERS = 4;
    static final int POSTGRESQL_CONNECTIONS = 8;
    static final int BUSY_TIMEOUT_MILLIS = 10_000;
    /**
     * Flyway reports every validation at INFO; `muse keys list` should print keys, not migration chatter.
     * Held in a field because java.util.logging forgets the level of a logger nobody references.
     */
    private static final Logger FLYWAY_LOG = Logger.getLogger("org.flywaydb");

    private final StoreConfig config;
    private final ConnectionPool writers;
    private final ConnectionPool readers;

    private Database(StoreConfig config, ConnectionPool writers, ConnectionPool readers) {
        this.config = config;
        this.writers = writers;
        this.readers = readers;
    }

    /** Connects, brings the schema up to date, and fails with one clear line if either cannot be done. */
    static Database open(StoreConfig config) {
        Database database = switch (config.vendor()) {
            case SQLITE -> openSqlite(config);
            case POSTGRESQL -> openPostgresql(config);
        };
        try {
            database.read(connection -> connection.isValid(5)); // fail here, not on the first request
            if (config.vendor() == StoreConfig.Vendor.SQLITE) {
                String check = database.check(false);
                if (!check.equals("ok"))
                    throw new StoreException("the database " + config.sqliteFile() + " is damaged (SQLite quick_check: " + check.lines().findFirst().orElse("")
                            + "): restore a backup (muse db backup makes one) or move the file away; Muse will not write to it");
            }
            database.migrate();
            return database;
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    <T> T read(Work<T> work) { return inTransaction(readers, work); }

    /**
     * SQLite's own consistency check of the whole file: "ok", or what is wrong. {@code full} runs integrity_check (also
     * checks every index against its table), else quick_check. PostgreSQL checks itself: "ok".
     */
    String check(boolean full) {
        if (config.vendor() != StoreConfig.Vendor.SQLITE) return "ok";
        return read(connection -> {
            try (var statement = connection.createStatement();
                 var rows = statement.executeQuery(full ? "PRAGMA integrity_check" : "PRAGMA quick_check")) {
                StringBuilder out = new StringBuilder();
                while (rows.next()) out.append(out.isEmpty() ? "" : "\n").append(rows.getString(1));
                return out.toString();
            }
        });
    }

    /** A consistent copy of the SQLite database in {@code target} (which must not exist), taken while it is in use. */
    void backup(Path target) {
        if (config.vendor() != StoreConfig.Vendor.SQLITE)
            throw new IllegalArgumentException("Muse backs up its SQLite file only: for PostgreSQL use pg_dump");
        if (Files.exists(target)) throw new IllegalArgumentException(target + " exists already: a backup never overwrites a file");
        // VACUUM cannot run in a transaction, and every pooled connection's work does: a connection of its own
        try (Connection connection = sqliteDataSource(config, SQLiteConfig.TransactionMode.DEFERRED).getConnection();
             var statement = connection.prepareStatement("VACUUM INTO ?")) {
            statement.setString(1, target.toAbsolutePath().toString());
            statement.execute();
        } catch (SQLException e) {
            throw new StoreException("cannot back up " + config.sqliteFile() + " into " + target + ": " + e.getMessage(), e);
        }
    }

    <T> T write(Work<T> work) { return inTransaction(writers, work); }

    /** For tests: connections open right now, over both pools. */
    int openConnections() {
        return writers == readers ? writers.openConnections() : writers.openConnections() + readers.openConnections();
    }

    @Override public void close() {
        writers.close();
        readers.close();
    }

    /*
     * Connections rest in auto-commit mode and a transaction ends with setAutoCommit(true), which commits.
     * sqlite-jdbc's commit() would at once begin the next transaction, and an IMMEDIATE one holds the
     * write lock while the connection sits idle in the pool. A connection whose rollback fails is dropped.
     */
    private <T> T inTransaction(ConnectionPool pool, Work<T> work) {
        Connection connection;
        try {
            connection = pool.borrow();
        } catch (SQLException e) {
            throw new StoreException("cannot open database " + config.redactedUrl() + ": " + e.getMessage(), e);
        }
        boolean reusable = false;
        try {
            connection.setAutoCommit(false);
            T result = work.run(connection);
            connection.setAutoCommit(true);
            reusable = true;
            return result;
        } catch (SQLException e) {
            reusable = rolledBack(connection, e);
            throw new StoreException("database error (" + config.vendor().name().toLowerCase(Locale.ROOT) + "): " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            reusable = rolledBack(connection, e);
            throw e;
        } finally {
            pool.giveBack(connection, reusable);
        }
    }

    private static boolean rolledBack(Connection connection, Throwable failure) {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
            return connection.isValid(1);
        } catch (SQLException e) {
            failure.addSuppressed(e);
            return false;
        }
    }

    private void migrate() {
        FLYWAY_LOG.setLevel(Level.WARNING);
        try {
            Flyway.configure()
                    .dataSource(migrationDataSource())
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new StoreException("cannot migrate database " + config.redactedUrl() + ": " + e.getMessage(), e);
        }
    }

    private DataSource migrationDataSource() {
        return switch (config.vendor()) {
            case SQLITE -> sqliteDataSource(config, SQLiteConfig.TransactionMode.DEFERRED);
            case POSTGRESQL -> postgresqlDataSource(config);
        };
    }

    // SQLite

    private static Database openSqlite(StoreConfig config) {
        prepareSqliteFile(config.sqliteFile());
        SQLiteDataSource writing = sqliteDataSource(config, SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource reading = sqliteDataSource(config, SQLiteConfig.TransactionMode.DEFERRED);
        return new Database(config, new ConnectionPool(1, writing::getConnection), new ConnectionPool(SQLITE_READERS, reading::getConnection));
    }

    private static SQLiteDataSource sqliteDataSource(StoreConfig config, SQLiteConfig.TransactionMode mode) {
        SQLiteConfig settings = new SQLiteConfig();
        settings.setJournalMode(SQLiteConfig.JournalMode.WAL);
        settings.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        settings.enforceForeignKeys(true);
        settings.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        settings.setTransactionMode(mode);
        SQLiteDataSource source = new SQLiteDataSource(settings);
        source.setUrl(config.url());
        return source;
    }

    /**
     * The file holds conversations and key hashes: create it readable by its owner only (SQLite gives its WAL the same
     * mode). An existing file of no bytes is not one Muse wrote (SQLite would silently make it a new, empty database):
     * refused.
     */
    private static void prepareSqliteFile(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            if (Files.isRegularFile(file) && Files.size(file) == 0)
                throw new StoreException("the database " + file + " is an empty file, not one Muse wrote: move it away, or restore a backup, "
                        + "and start again (Muse never replaces a database file)");
            if (!Files.exists(file) && parent != null && Files.getFileStore(parent).supportsFileAttributeView("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
        } catch (IOException e) {
            throw new StoreException("cannot create database file " + file + ": " + e, e);
        }
    }

    // PostgreSQL

    private static Database openPostgresql(StoreConfig config) {
        PGSimpleDataSource source = postgresqlDataSource(config);
        ConnectionPool pool = new ConnectionPool(POSTGRESQL_CONNECTIONS, source::getConnection);
        return new Database(config, pool, pool);
    }

    private static PGSimpleDataSource postgresqlDataSource(StoreConfig config) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        try {
            source.setUrl(config.url());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad PostgreSQL URL " + config.redactedUrl() + ": " + e.getMessage(), e);
        }
        if (config.user() != null) source.setUser(config.user());
        if (config.password() != null) source.setPassword(config.password());
        source.setApplicationName("muse");
        return source;
    }
}
