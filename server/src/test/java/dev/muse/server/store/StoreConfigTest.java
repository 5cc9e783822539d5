package dev.muse.server.store;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing the database, and the one-line errors a person sees when that goes wrong. */
class StoreConfigTest {
    @TempDir Path dir;

    @Test void defaultIsSqliteInTheDataDirectory() {
        StoreConfig config = StoreConfig.from(Map.of(), dir);
        assertEquals("jdbc:sqlite:" + dir.toAbsolutePath().resolve("muse.db"), config.url());
        assertEquals(dir.toAbsolutePath().resolve("muse.db"), config.sqliteFile());
        assertEquals(StoreConfig.Vendor.SQLITE, config.vendor());
    }

    @Test void databaseUrlAndCredentialsComeFromTheEnvironment() {
        StoreConfig config = StoreConfig.from(Map.of("MUSE_DB_URL", "jdbc:postgresql://db:5432/muse", "MUSE_DB_USER", "muse",
                "MUSE_DB_PASSWORD", "s3cret"), dir);
        assertEquals(new StoreConfig("jdbc:postgresql://db:5432/muse", "muse", "s3cret"), config);
        assertEquals(StoreConfig.Vendor.POSTGRESQL, config.vendor());
        assertFalse(config.toString().contains("s3cret"), config.toString());
        assertEquals(new StoreConfig("jdbc:postgresql://db/muse", null, null),
                StoreConfig.from(Map.of("MUSE_DB_URL", "jdbc:postgresql://db/muse", "MUSE_DB_USER", " "), dir));
    }

    @Test void homePropertyOverridesTheEnvironmentForTests() {
        String old = System.getProperty(StoreConfig.HOME_PROPERTY);
        try {
            System.setProperty(StoreConfig.HOME_PROPERTY, dir.toString());
            assertEquals(StoreConfig.sqlite(dir.resolve("muse.db")).url(), StoreConfig.from(Map.of(), StoreConfig.museHome()).url());
        } finally {
            if (old == null) System.clearProperty(StoreConfig.HOME_PROPERTY);
            else System.setProperty(StoreConfig.HOME_PROPERTY, old);
        }
    }

    @Test void unsupportedUrlsAreRefusedBeforeConnecting() {
        var mysql = assertThrows(IllegalArgumentException.class, () -> new StoreConfig("jdbc:mysql://h/db?password=pw", null, null));
        assertEquals("unsupported database URL jdbc:mysql://h/db?password=***: use jdbc:sqlite:FILE or jdbc:postgresql://HOST[:PORT]/DATABASE",
                mysql.getMessage());
        var memory = assertThrows(IllegalArgumentException.class, () -> new StoreConfig("jdbc:sqlite::memory:", null, null));
        assertTrue(memory.getMessage().contains("SQLite needs a file"), memory.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StoreConfig.from(Map.of("MUSE_DB_URL", "postgres://h/db"), dir));
    }

    @Test void anUnreachableServerIsOneLineWithoutThePassword() {
        StoreConfig config = new StoreConfig("jdbc:postgresql://127.0.0.1:1/muse?password=hunter2", null, null);
        StoreException e = assertThrows(StoreException.class, () -> Store.open(config));
        assertTrue(e.getMessage().startsWith("cannot open database jdbc:postgresql://127.0.0.1:1/muse?password=***: Connection to 127.0.0.1:1 refused"),
                e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"));
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test void anUnwritableSqliteLocationIsOneLine() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        StoreException e = assertThrows(StoreException.class, () -> Store.open(StoreConfig.sqlite(file.resolve("muse.db"))));
        assertTrue(e.getMessage().startsWith("cannot create database file " + file.resolve("muse.db")), e.getMessage());
    }

    @Test void aNewSqliteFileIsPrivate() throws Exception {
        Path file = dir.resolve("sub/muse.db");
        try (Store store = Store.open(StoreConfig.sqlite(file))) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
    }
}
