package dev.muse.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit trail of what the safety screening blocked, per owner (API key): when, at which stage ({@code input}: a
 * person's message; {@code output}: an answer as it streamed), by which guard model, for which hazards (S1-S14; empty
 * when the verdict could not be read), in which conversation. The blocked content is never stored.
 */
public final class ModerationAudit {
    /** One block. */
    public record Entry(String id, Instant createdAt, String stage, String action, String guardModel, String hazards, String conversationId) {}

    private final Database database;
    private final Clock clock;

    ModerationAudit(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Records a block ({@code action} "blocked") or a flag ("flagged", let through by the key's policy). */
    public void record(String owner, String stage, String action, String guardModel, String hazards, String conversationId) {
        Conversations.checkOwner(owner);
        database.write(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO moderation_audit (id, owner, created_at, stage, action, guard_model, hazards, conversation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, RandomIds.next("mod_"));
                insert.setString(2, owner);
                insert.setLong(3, clock.millis());
                insert.setString(4, stage);
                insert.setString(5, action);
                insert.setString(6, guardModel);
                insert.setString(7, hazards);
                insert.setString(8, conversationId);
                return insert.executeUpdate();
            }
        });
    }

    /** The owner's most recent blocks, newest first, at most {@code limit}. */
    public List<Entry> list(String owner, int limit) {
        Conversations.checkOwner(owner);
        return database.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT id, created_at, stage, action, guard_model, hazards, conversation_id"
                    + " FROM moderation_audit WHERE owner = ? ORDER BY created_at DESC, id DESC LIMIT ?")) {
                query.setString(1, owner);
                query.setInt(2, limit);
                List<Entry> out = new ArrayList<>();
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next())
                        out.add(new Entry(rows.getString("id"), Instant.ofEpochMilli(rows.getLong("created_at")), rows.getString("stage"),
                                rows.getString("action"), rows.getString("guard_model"), rows.getString("hazards"), rows.getString("conversation_id")));
                }
                return out;
            }
        });
    }
}
