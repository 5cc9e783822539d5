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

/** `muse keys`, in process, on a data directory of its own (the muse.home property stands in for MUSE_HOME). */
class KeysCommandTest {
    @TempDir Path home;
    String oldHome;

    @BeforeEach void useTemporaryHome() {
        assertNull(System.getenv("MUSE_DB_URL"), "MUSE_DB_URL would send this test's keys to a real database");
        oldHome = System.getProperty(StoreConfig.HOME_PROPERTY);
        System.setProperty(StoreConfig.HOME_PROPERTY, home.toString());
    }

    @AfterEach void restoreHome() {
        if (oldHome == null) System.clearProperty(StoreConfig.HOME_PROPERTY);
        else System.setProperty(StoreConfig.HOME_PROPERTY, oldHome);
    }

    @Test void createListRevoke() {
        assertTrue(CliTest.muse("keys", "list").out().startsWith("No API keys."));

        CliTest.Outcome created = CliTest.muse("keys", "create", "--name", "laptop");
        assertEquals(0, created.exitCode(), created.err());
        String secret = created.out().strip();
        assertTrue(secret.matches("muse-[A-Za-z0-9_-]{43}"), created.out());
        assertTrue(created.err().contains("cannot be shown again"), created.err());
        assertTrue(Files.exists(home.resolve("muse.db")), "the key went into the data directory");
        try (Store store = Store.open(StoreConfig.sqlite(home.resolve("muse.db")))) {
            assertEquals("laptop", store.keys().authenticate(secret).orElseThrow().name(), "the printed secret is the key");
            assertFalse(store.keys().authenticate(secret).orElseThrow().admin(), "a key reaches its own data only unless asked");
        }
        CliTest.Outcome ops = CliTest.muse("keys", "create", "--name", "ops", "--admin");
        assertEquals(0, ops.exitCode(), ops.err());
        try (Store store = Store.open(StoreConfig.sqlite(home.resolve("muse.db")))) {
            assertTrue(store.keys().authenticate(ops.out().strip()).orElseThrow().admin());
        }

        CliTest.Outcome assistant = CliTest.muse("keys", "create", "--name", "assistant", "--tools");
        assertEquals(0, assistant.exitCode(), assistant.err());
        try (Store store = Store.open(StoreConfig.sqlite(home.resolve("muse.db")))) {
            assertTrue(store.keys().authenticate(assistant.out().strip()).orElseThrow().museTools(), "--tools: its chats have Muse's tools");
            assertFalse(store.keys().authenticate(ops.out().strip()).orElseThrow().museTools(), "others' do not");
        }
        CliTest.Outcome fiction = CliTest.muse("keys", "create", "--name", "fiction", "--safety-policy", "s1=flag, S13=off");
        assertEquals(0, fiction.exitCode(), fiction.err());
        assertTrue(fiction.err().contains("(safety policy S1=flag,S13=off)"), fiction.err());
        try (Store store = Store.open(StoreConfig.sqlite(home.resolve("muse.db")))) {
            assertEquals("S1=flag,S13=off", store.keys().authenticate(fiction.out().strip()).orElseThrow().safetyPolicy());
        }
        CliTest.Outcome bad = CliTest.muse("keys", "create", "--name", "x", "--safety-policy", "S99=off");
        assertNotEquals(0, bad.exitCode());
        assertTrue(bad.err().contains("CATEGORY=ACTION"), bad.err());

        CliTest.Outcome listed = CliTest.muse("keys", "list");
        assertEquals(0, listed.exitCode(), listed.err());
        assertTrue(listed.out().contains("laptop"), listed.out());
        assertTrue(listed.out().contains(secret.substring(0, 13)), "the prefix is shown: " + listed.out());
        assertFalse(listed.out().contains(secret.substring(13)), "the secret is not");
        assertTrue(listed.out().contains("active"), listed.out());
        assertTrue(listed.out().lines().anyMatch(l -> l.contains("ops") && l.contains(" yes    no ")), "the admin key is marked: " + listed.out());
        assertTrue(listed.out().lines().anyMatch(l -> l.contains("assistant") && l.contains(" no     yes ")), "the key with tools: " + listed.out());

        CliTest.Outcome revoked = CliTest.muse("keys", "revoke", secret.substring(0, 13));
        assertEquals(0, revoked.exitCode(), revoked.err());
        assertTrue(revoked.out().startsWith("Revoked key_"), revoked.out());
        assertTrue(CliTest.muse("keys", "list").out().contains("revoked "));
        try (Store store = Store.open(StoreConfig.sqlite(home.resolve("muse.db")))) {
            assertTrue(store.keys().authenticate(secret).isEmpty());
        }
    }

    @Test void mistakesAreOneLine() {
        CliTest.Outcome unknown = CliTest.muse("keys", "revoke", "key_nope");
        assertEquals(1, unknown.exitCode());
        assertEquals("muse: no such key: key_nope", unknown.err().strip());

        CliTest.Outcome bare = CliTest.muse("keys");
        assertNotEquals(0, bare.exitCode());
        assertTrue(bare.err().contains("muse keys create | list | revoke ID"), bare.err());
    }
}
