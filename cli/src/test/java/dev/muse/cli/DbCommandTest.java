package dev.muse.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.server.store.Store;
import dev.muse.server.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `muse db check` and `muse db backup`, in process, on a data directory of their own. */
class DbCommandTest {
    @TempDir Path home;
    String oldHome;

    @BeforeEach void useTemporaryHome() {
        assertNull(System.getenv("MUSE_DB_URL"), "MUSE_DB_URL would point this test at a real database");
        oldHome = System.getProperty(StoreConfig.HOME_PROPERTY);
        System.setProperty(StoreConfig.HOME_PROPERTY, home.toString());
    }

    @AfterEach void restoreHome() {
        if (oldHome == null) System.clearProperty(StoreConfig.HOME_PROPERTY);
        else System.setProperty(StoreConfig.HOME_PROPERTY, oldHome);
    }

    @Test void checkThenBackUp() {
        String id;
        try (Store store = Store.open(StoreConfig.sqlite(home.resolve("muse.db")))) {
            id = store.conversations().create(Store.LOCAL_OWNER, "precious", null, null).id();
        }
        CliTest.Outcome check = CliTest.muse("db", "check");
        assertEquals(0, check.exitCode(), check.err());
        assertEquals("the database is intact", check.out().strip());

        Path copy = home.resolve("backups").resolve("muse-copy.db");
        CliTest.Outcome missingFolder = CliTest.muse("db", "backup", copy.toString());
        assertEquals(1, missingFolder.exitCode());
        assertTrue(missingFolder.err().startsWith("muse: cannot back up"), missingFolder.err());

        Path inHome = home.resolve("muse-copy.db");
        CliTest.Outcome backup = CliTest.muse("db", "backup", inHome.toString());
        assertEquals(0, backup.exitCode(), backup.err());
        try (Store restored = Store.open(StoreConfig.sqlite(inHome))) {
            assertEquals("precious", restored.conversations().get(Store.LOCAL_OWNER, id).orElseThrow().title());
        }
        CliTest.Outcome again = CliTest.muse("db", "backup", inHome.toString());
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("exists already"), again.err());
        assertTrue(Files.exists(inHome));
    }
}
