package dev.muse.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the assistant remembers about the person, per owner (API key): short facts with their embeddings, which the
 * person can list, edit and delete; and whether memory is on for the key (on unless turned off). Another owner's
 * memories are not there. Deleting one removes its row: nothing of it is found again.
 */
public final class Memories {
    /** One remembered fact. */
    public record Memory(String id, String text, float[] vector, Instant createdAt, Instant updatedAt) {}

    public static final int MAX_TEXT = 500;

    private final Database database;
    private final Clock clock;

    Memories(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    public Memory create(String owner, String text, float[] vector) {
        Conversations.checkOwner(owner);
        String id = RandomIds.next("mem_");
        long now = clock.millis();
        database.write(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO memories (id, owner, text, vector, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, id);
                insert.setString(2, owner);
                insert.setString(3, checkText(text));
                insert.setString(4, Documents.encode(vector));
                insert.setLong(5, now);
                insert.setLong(6, now);
                return insert.executeUpdate();
            }
        });
        return get(owner, id).orElseThrow();
    }

    /** Replaces a memory's text (and vector); a NotFoundException when the owner has no such memory. */
    public Memory update(String owner, String id, String text, float[] vector) {
        Conversations.checkOwner(owner);
        int updated = database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE memories SET text = ?, vector = ?, updated_at = ? WHERE owner = ? AND id = ?")) {
                update.setString(1, checkText(text));
                update.setString(2, Documents.encode(vector));
                update.setLong(3, clock.millis());
                update.setString(4, owner);
                update.setString(5, id);
                return update.executeUpdate();
            }
        });
        if (updated == 0) throw new NotFoundException("memory", id);
        return get(owner, id).orElseThrow();
    }

    /** Deletes a memory; a NotFoundException when the owner has no such memory. */
    public void delete(String owner, String id) {
        Conversations.checkOwner(owner);
        int deleted = database.write(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM memories WHERE owner = ? AND id = ?")) {
                delete.setString(1, owner);
                delete.setString(2, id);
                return delete.executeUpdate();
            }
        });
        if (deleted == 0) throw new NotFoundException("memory", id);
    }

    public Optional<Memory> get(String owner, String id) {
        return list(owner).stream().filter(m -> m.id().equals(id)).findFirst();
    }

    /** The owner's memories, oldest first. */
    public List<Memory> list(String owner) {
        Conversations.checkOwner(owner);
        return database.read(connection -> {
            try (PreparedStatement q = connection.prepareStatement("SELECT id, text, vector, created_at, updated_at FROM memories WHERE owner = ? ORDER BY created_at, id")) {
                q.setString(1, owner);
                List<Memory> out = new ArrayList<>();
                try (ResultSet rows = q.executeQuery()) {
                    while (rows.next()) out.add(memory(rows));
                }
                return out;
            }
        });
    }

    /** Whether memory is on for the owner (it is unless turned off). */
    public boolean enabled(String owner) {
        Conversations.checkOwner(owner);
        return database.read(connection -> {
            try (PreparedStatement q = connection.prepareStatement("SELECT enabled FROM memory_settings WHERE owner = ?")) {
                q.setString(1, owner);
                try (ResultSet rows = q.executeQuery()) {
                    return !rows.next() || rows.getBoolean(1);
                }
            }
        });
    }

    public void setEnabled(String owner, boolean enabled) {
        Conversations.checkOwner(owner);
        database.write(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM memory_settings WHERE owner = ?");
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO memory_settings (owner, enabled) VALUES (?, ?)")) {
                delete.setString(1, owner);
                delete.executeUpdate();
                insert.setString(1, owner);
                insert.setBoolean(2, enabled);
                return insert.executeUpdate();
            }
        });
    }

    private static Memory memory(ResultSet r) throws SQLException {
        return new Memory(r.getString("id"), r.getString("text"), Documents.decode(r.getString("vector")), Instant.ofEpochMilli(r.getLong("created_at")),
                Instant.ofEpochMilli(r.getLong("updated_at")));
    }

    private static String checkText(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("a memory needs some text");
        if (text.length() > MAX_TEXT) throw new IllegalArgumentException("a memory is at most " + MAX_TEXT + " characters");
        return text.strip();
    }
}
