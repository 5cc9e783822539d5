package dev.muse.server.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** The engines every store test runs against, each giving a fresh, empty database per test. */
enum TestEngine {
    SQLITE, POSTGRESQL;

    StoreConfig freshDatabase(Path tempDir) throws Exception {
        return switch (this) {
            case SQLITE -> StoreConfig.sqlite(tempDir.resolve("muse.db"));
            case POSTGRESQL -> TestPostgres.freshSchema();
        };
    }

    void dispose(StoreConfig config) throws SQLException {
        if (this == POSTGRESQL) TestPostgres.drop(config);
    }

    /** A plain JDBC connection past the store, for looking at raw tables. */
    static Connection raw(StoreConfig config) throws SQLException {
        return DriverManager.getConnection(config.url(), config.user(), config.password());
    }

    /** A clock that moves one second per reading, so that every write has its own distinct time. */
    static final class TickingClock extends Clock {
        private final AtomicLong millis = new AtomicLong(1_750_000_000_000L);

        @Override public long millis() { return millis.addAndGet(1000); }

        @Override public Instant instant() { return Instant.ofEpochMilli(millis()); }

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }

        @Override public Clock withZone(ZoneId zone) { throw new UnsupportedOperationException("tests use UTC"); }
    }
}
