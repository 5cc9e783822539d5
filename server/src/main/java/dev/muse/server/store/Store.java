package dev.muse.server.store;

import java.time.Clock;

/**
 * Muse's persistence: API keys, and conversations with their messages and attachment metadata, in
 * SQLite (a file in the data directory, the default) or PostgreSQL (chosen by {@code MUSE_DB_URL}).
 * The schema is brought up to date by Flyway when the store opens.
 *
 * <p>Ownership: every conversation has an owner string, and every call about conversations takes the
 * owner of the caller and treats anyone else's as nonexistent. With API keys the owner is the key's
 * {@link ApiKey#owner()}; the keyless localhost mode uses {@link #LOCAL_OWNER}.
 *
 * <p>Guarantees: a method that returns has committed its write, durably; the store may be called from
 * any number of (virtual) threads at once. Close it to release its connections.
 */
public final class Store implements AutoCloseable {
    /**
     * Owner of everything stored by the server when it runs without API keys (bound to localhost).
     * Key ids start with "key_", so no key can ever own or see these conversations.
     */
    public static final String LOCAL_OWNER = "local";

    private final Database database;
    private final ApiKeys keys;
    private final Conversations conversations;
    private final Messages messages;
    private final ModerationAudit moderationAudit;
    private final Documents documents;
    private final Memories memories;

    private Store(Database database, Clock clock) {
        this.database = database;
        this.keys = new ApiKeys(database, clock);
        this.conversations = new Conversations(database, clock);
        this.messages = new Messages(database, clock);
        this.moderationAudit = new ModerationAudit(database, clock);
        this.documents = new Documents(database, clock);
        this.memories = new Memories(database, clock);
    }

    /** Opens (creating and migrating as needed) the database the configuration names. */
    public static Store open(StoreConfig config) {
        return open(config, Clock.systemUTC());
    }

    /** Opens the database chosen by the environment: see {@link StoreConfig#fromEnvironment()}. */
    public static Store openFromEnvironment() {
        return open(StoreConfig.fromEnvironment());
    }

    static Store open(StoreConfig config, Clock clock) {
        return new Store(Database.open(config), clock);
    }

    public ApiKeys keys() { return keys; }

    /** SQLite's full integrity check of the database: "ok", or what is wrong (PostgreSQL: "ok"). */
    public String check() { return database.check(true); }

    /** Copies the SQLite database, consistent while in use, into the new file {@code target}. */
    public void backup(java.nio.file.Path target) { database.backup(target); }

    public Conversations conversations() { return conversations; }

    public Messages messages() { return messages; }

    /** What the safety screening blocked, per key. */
    public ModerationAudit moderationAudit() { return moderationAudit; }

    /** People's documents and their embedded passages. */
    public Documents documents() { return documents; }

    /** What the assistant remembers about each key's person, and whether memory is on. */
    public Memories memories() { return memories; }

    /** For tests: JDBC connections open right now. */
    int openConnections() { return database.openConnections(); }

    @Override public void close() { database.close(); }
}
