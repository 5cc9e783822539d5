package dev.muse.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Conversations, each with an owner. Every method takes the owner and matches it in SQL, so another
 * owner's conversation is simply not there: reads come back empty, writes throw {@link NotFoundException}.
 */
public final class Conversations {
    static final int MAX_TITLE_LENGTH = 500;
    static final int MAX_PAGE_SIZE = 200;
    private static final String COLUMNS = "id, owner, title, model, settings, created_at, updated_at";

    private final Database database;
    private final Clock clock;

    Conversations(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** @param model null for the server's default; @param settings a JSON object, or null for none */
    public Conversation create(String owner, String title, String model, JsonNode settings) {
        Instant now = Instant.ofEpochMilli(clock.millis());
        Conversation conversation = new Conversation(RandomIds.next("conv_"), checkOwner(owner), checkTitle(title), model,
                StoredJson.checkSettings(settings), now, now);
        database.write(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO conversations (id, owner, title, title_search, model, settings, created_at, updated_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, conversation.id());
                insert.setString(2, conversation.owner());
                insert.setString(3, conversation.title());
                insert.setString(4, StoredJson.fold(conversation.title()));
                insert.setString(5, conversation.model());
                insert.setString(6, StoredJson.write(conversation.settings()));
                insert.setLong(7, now.toEpochMilli());
                insert.setLong(8, now.toEpochMilli());
                return insert.executeUpdate();
            }
        });
        return conversation;
    }

    /**
     * The owner's conversations, most recently changed first.
     *
     * @param search null or blank for all; otherwise only conversations whose title or some message's
     *               text contains it, ignoring case
     * @param limit  page size, 1 to {@value #MAX_PAGE_SIZE}
     * @param before null for the first page, else the {@link ConversationPage#nextCursor()} of the previous one
     */
    public ConversationPage list(String owner, String search, int limit, String before) {
        checkOwner(owner);
        if (limit < 1 || limit > MAX_PAGE_SIZE) throw new IllegalArgumentException("limit must be 1 to " + MAX_PAGE_SIZE);
        Cursor cursor = before == null || before.isBlank() ? null : Cursor.parse(before);
        String pattern = search == null || search.isBlank() ? null : SqlValues.containsPattern(StoredJson.fold(search.strip()));
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM conversations c WHERE owner = ?");
        if (cursor != null) sql.append(" AND (updated_at < ? OR (updated_at = ? AND id < ?))");
        if (pattern != null) {
            sql.append(" AND (title_search LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM messages m"
                    + " WHERE m.conversation_id = c.id AND m.content_search LIKE ? ESCAPE '\\'))");
        }
        sql.append(" ORDER BY updated_at DESC, id DESC LIMIT ?");
        List<Conversation> found = database.read(connection -> {
            try (PreparedStatement query = connection.prepareStatement(sql.toString())) {
                int i = 1;
                query.setString(i++, owner);
                if (cursor != null) {
                    query.setLong(i++, cursor.updatedAt());
                    query.setLong(i++, cursor.updatedAt());
                    query.setString(i++, cursor.id());
                }
                if (pattern != null) {
                    query.setString(i++, pattern);
                    query.setString(i++, pattern);
                }
                query.setInt(i, limit + 1); // one more than asked tells whether another page exists
                return conversations(query);
            }
        });
        if (found.size() <= limit) return new ConversationPage(found, null);
        Conversation last = found.get(limit - 1);
        return new ConversationPage(found.subList(0, limit), new Cursor(last.updatedAt().toEpochMilli(), last.id()).format());
    }

    public Optional<Conversation> get(String owner, String id) {
        checkOwner(owner);
        return database.read(connection -> find(connection, owner, id));
    }

    public Conversation rename(String owner, String id, String title) {
        String checked = checkTitle(title);
        return update(owner, id, "title = ?, title_search = ?", checked, StoredJson.fold(checked));
    }

    /** Replaces the model (null: the server's default) and the settings (a JSON object, null: none). */
    public Conversation updateSettings(String owner, String id, String model, JsonNode settings) {
        String json = StoredJson.write(StoredJson.checkSettings(settings));
        return update(owner, id, "model = ?, settings = ?", model, json);
    }

    /** Deletes the conversation with its messages and their attachments' metadata; false if the owner has no such conversation. */
    public boolean delete(String owner, String id) {
        checkOwner(owner);
        return database.write(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM conversations WHERE id = ? AND owner = ?")) {
                delete.setString(1, id);
                delete.setString(2, owner);
                return delete.executeUpdate() > 0;
            }
        });
    }

    /** Runs {@code UPDATE conversations SET <assignments>, updated_at = now} on the owner's conversation and returns it. */
    private Conversation update(String owner, String id, String assignments, String... values) {
        checkOwner(owner);
        long now = clock.millis();
        return database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE conversations SET " + assignments + ", updated_at = ? WHERE id = ? AND owner = ?")) {
                for (int i = 0; i < values.length; i++) update.setString(i + 1, values[i]);
                int next = values.length + 1;
                update.setLong(next, now);
                update.setString(next + 1, id);
                update.setString(next + 2, owner);
                if (update.executeUpdate() == 0) throw new NotFoundException("conversation", id);
            }
            return find(connection, owner, id).orElseThrow();
        });
    }

    static Optional<Conversation> find(Connection connection, String owner, String id) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM conversations WHERE id = ? AND owner = ?")) {
            query.setString(1, id);
            query.setString(2, owner);
            List<Conversation> found = conversations(query);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
        }
    }

    private static List<Conversation> conversations(PreparedStatement query) throws SQLException {
        List<Conversation> found = new ArrayList<>();
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                found.add(new Conversation(rows.getString("id"), rows.getString("owner"), rows.getString("title"), rows.getString("model"),
                        StoredJson.read(rows.getString("settings")), SqlValues.instant(rows, "created_at"), SqlValues.instant(rows, "updated_at")));
            }
        }
        return found;
    }

    /** An owner is required everywhere: a null must never slip through as "any owner". */
    static String checkOwner(String owner) {
        if (owner == null || owner.isBlank()) throw new IllegalArgumentException("owner missing");
        return owner;
    }

    private static String checkTitle(String title) {
        String stripped = title == null ? "" : title.strip();
        if (stripped.length() > MAX_TITLE_LENGTH) throw new IllegalArgumentException("title longer than " + MAX_TITLE_LENGTH + " characters");
        return stripped;
    }

    /** Position in the newest-first order: the last conversation of a page. */
    private record Cursor(long updatedAt, String id) {
        String format() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString((updatedAt + ":" + id).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor parse(String text) {
            try {
                String decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return new Cursor(Long.parseLong(decoded.substring(0, colon)), decoded.substring(colon + 1));
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                throw new IllegalArgumentException("bad cursor: " + text);
            }
        }
    }
}
