package dev.muse.server.store;

import static org.junit.jupiter.api.Assertions.*;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database file Muse did not write, or one that is damaged, is refused at start in one line, and left as it is (issue 14, item 8). */
class DatabaseFileTest {
    @TempDir Path dir;

    @Test
    void anEmptyFileIsNotTakenForANewDatabase() throws Exception {
        Path file = Files.createFile(dir.resolve("muse.db"));
        StoreException e = assertThrows(StoreException.class, () -> Store.open(StoreConfig.sqlite(file)));
        assertTrue(e.getMessage().contains("is an empty file"), e.getMessage());
        assertEquals(0, Files.size(file), "left untouched");
    }

    @Test
    void aDamagedFileIsRefusedAtStart() throws Exception {
        Path file = dir.resolve("muse.db");
        try (Store store = Store.open(StoreConfig.sqlite(file))) {
            for (int i = 0; i < 200; i++) store.conversations().create(Store.LOCAL_OWNER, "conversation " + i, null, null);
            assertEquals("ok", store.check());
        }
        long size = Files.size(file);
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.seek(size - 4096 + 100); // inside the last page, past its header
            for (int i = 0; i < 2000; i++) raw.write(0x5A);
        }
        StoreException e = assertThrows(StoreException.class, () -> Store.open(StoreConfig.sqlite(file)));
        assertTrue(e.getMessage().contains("is damaged (SQLite quick_check: "), e.getMessage());
        assertEquals(size, Files.size(file));
    }

    @Test
    void aBackupIsAConsistentCopyAndNeverOverwrites() throws Exception {
        Path file = dir.resolve("muse.db"), copy = dir.resolve("copy.db");
        try (Store store = Store.open(StoreConfig.sqlite(file))) {
            Conversation c = store.conversations().create(Store.LOCAL_OWNER, "kept", null, null);
            store.backup(copy);
            assertThrows(IllegalArgumentException.class, () -> store.backup(copy));
            try (Store restored = Store.open(StoreConfig.sqlite(copy))) {
                assertEquals("kept", restored.conversations().get(Store.LOCAL_OWNER, c.id()).orElseThrow().title());
                assertEquals("ok", restored.check());
            }
        }
    }
}
