package dev.muse.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Messages of conversations. A message belongs to whoever owns its conversation: every query joins to
 * the conversation and matches the owner, so there is one owner per conversation to keep right.
 *
 * <p>Every method that returns has committed its write durably, which is what lets the HTTP layer
 * acknowledge a message only once it is stored. A streamed reply is written as it grows:
 * {@link #beginReply} stores an empty INCOMPLETE assistant message, {@link #updateReply} saves the
 * text so far (as often as the caller wants to risk losing), {@link #finishReply} marks it COMPLETE.
 */
public final class Messages {
    private static final String COLUMNS = "m.id, m.conversation_id, m.ordinal, m.role, m.content, m.reasoning, m.contemplation, m.tool_steps, m.citations, m.refusal, m.status,"
            + " m.prompt_tokens, m.completion_tokens, m.left_out_messages, m.created_at, m.updated_at";
    /** Unqualified, so that it reads the same in a SELECT over "messages m" and in an UPDATE of messages. */
    private static final String OWNED = "conversation_id IN (SELECT id FROM conversations WHERE owner = ?)";

    private final Database database;
    private final Clock clock;

    Messages(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    public Message append(String owner, String conversationId, Role role, JsonNode content) {
        return append(owner, conversationId, role, content, List.of());
    }

    /** Adds a complete message at the end of the conversation. */
    public Message append(String owner, String conversationId, Role role, JsonNode content, List<NewAttachment> attachments) {
        if (role == null) throw new IllegalArgumentException("message role missing");
        return insert(owner, conversationId, role, StoredJson.checkContent(content), MessageStatus.COMPLETE, List.copyOf(attachments));
    }

    /** Starts a streamed assistant reply: an empty message, INCOMPLETE until {@link #finishReply}. */
    public Message beginReply(String owner, String conversationId) {
        return insert(owner, conversationId, Role.ASSISTANT, TextNode.valueOf(""), MessageStatus.INCOMPLETE, List.of());
    }

    /**
     * Saves the reply so far (the whole content and thought, not a delta; {@code reasoning} null when none). A reply that
     * is already finished cannot change.
     */
    public void updateReply(String owner, String replyId, JsonNode content, String reasoning) {
        JsonNode checked = StoredJson.checkContent(content);
        Conversations.checkOwner(owner);
        long now = clock.millis();
        database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE messages SET content = ?, content_search = ?,"
                    + " reasoning = ?, updated_at = ? WHERE id = ? AND status = 'incomplete' AND " + OWNED)) {
                update.setString(1, StoredJson.write(checked));
                update.setString(2, StoredJson.searchText(checked));
                update.setString(3, reasoning);
                update.setLong(4, now);
                update.setString(5, replyId);
                update.setString(6, owner);
                if (update.executeUpdate() == 0) throw notIncomplete(connection, owner, replyId);
            }
            return null;
        });
    }

    /** Records why the server's safety screening stopped a reply (before {@link #finishReply}). */
    public void refuse(String owner, String replyId, String refusal) {
        Conversations.checkOwner(owner);
        database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE messages SET refusal = ? WHERE id = ? AND status = 'incomplete' AND " + OWNED)) {
                update.setString(1, refusal);
                update.setString(2, replyId);
                update.setString(3, owner);
                if (update.executeUpdate() == 0) throw notIncomplete(connection, owner, replyId);
            }
            return null;
        });
    }

    /** Records the passages a grounded reply was given to cite (before {@link #finishReply}). */
    public void cite(String owner, String replyId, JsonNode citations) {
        Conversations.checkOwner(owner);
        database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE messages SET citations = ? WHERE id = ? AND status = 'incomplete' AND " + OWNED)) {
                update.setString(1, StoredJson.write(citations));
                update.setString(2, replyId);
                update.setString(3, owner);
                if (update.executeUpdate() == 0) throw notIncomplete(connection, owner, replyId);
            }
            return null;
        });
    }

    /**
     * Saves what a reply did before it answered, before it is finished: a contemplation's sub-agents' work
     * ({@code {"agents": [...]}}) and the steps of Muse's own tools ({@code [...]}), each null to leave it as it is. A
     * reply that is already finished cannot change.
     */
    public void saveWork(String owner, String replyId, JsonNode contemplation, JsonNode toolSteps) {
        Conversations.checkOwner(owner);
        String agents = contemplation == null ? null : StoredJson.write(contemplation), steps = toolSteps == null ? null : StoredJson.write(toolSteps);
        database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE messages SET contemplation = COALESCE(?, contemplation),"
                    + " tool_steps = COALESCE(?, tool_steps) WHERE id = ? AND status = 'incomplete' AND " + OWNED)) {
                update.setString(1, agents);
                update.setString(2, steps);
                update.setString(3, replyId);
                update.setString(4, owner);
                if (update.executeUpdate() == 0) throw notIncomplete(connection, owner, replyId);
            }
            return null;
        });
    }

    /**
     * Stores the final content, thought ({@code reasoning}, null when none) and token counts (null if unknown) and marks the
     * reply COMPLETE.
     */
    public Message finishReply(String owner, String replyId, JsonNode content, String reasoning, TokenUsage usage) {
        JsonNode checked = StoredJson.checkContent(content);
        Conversations.checkOwner(owner);
        long now = clock.millis();
        return database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE messages SET content = ?, content_search = ?,"
                    + " reasoning = ?, status = 'complete', prompt_tokens = ?, completion_tokens = ?, left_out_messages = ?, updated_at = ?"
                    + " WHERE id = ? AND status = 'incomplete' AND " + OWNED)) {
                update.setString(1, StoredJson.write(checked));
                update.setString(2, StoredJson.searchText(checked));
                update.setString(3, reasoning);
                SqlValues.setIntOrNull(update, 4, usage == null ? null : usage.promptTokens());
                SqlValues.setIntOrNull(update, 5, usage == null ? null : usage.completionTokens());
                SqlValues.setIntOrNull(update, 6, usage == null ? null : usage.leftOutMessages());
                update.setLong(7, now);
                update.setString(8, replyId);
                update.setString(9, owner);
                if (update.executeUpdate() == 0) throw notIncomplete(connection, owner, replyId);
            }
            Message reply = find(connection, owner, replyId).orElseThrow();
            touchConversation(connection, reply.conversationId(), now);
            return reply;
        });
    }

    /**
     * Rewinds the conversation to just before {@code messageId}: deletes that message and every later one
     * (with their attachments' metadata) and returns how many went. Regenerating an answer and editing an
     * earlier turn both start this way. A message of another conversation or owner is not found.
     */
    public int truncate(String owner, String conversationId, String messageId) {
        Conversations.checkOwner(owner);
        long now = clock.millis();
        return database.write(connection -> {
            Message from = find(connection, owner, messageId).filter(m -> m.conversationId().equals(conversationId))
                    .orElseThrow(() -> new NotFoundException("message", messageId));
            int deleted;
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM messages WHERE conversation_id = ? AND ordinal >= ?")) {
                delete.setString(1, conversationId);
                delete.setInt(2, from.ordinal());
                deleted = delete.executeUpdate();
            }
            touchConversation(connection, conversationId, now);
            return deleted;
        });
    }

    /** The conversation's messages in order, with their attachments. */
    public List<Message> list(String owner, String conversationId) {
        Conversations.checkOwner(owner);
        return database.read(connection -> {
            if (Conversations.find(connection, owner, conversationId).isEmpty()) throw new NotFoundException("conversation", conversationId);
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM messages m WHERE m.conversation_id = ? ORDER BY m.ordinal")) {
                query.setString(1, conversationId);
                return withAttachments(connection, messages(query));
            }
        });
    }

    public Optional<Message> get(String owner, String messageId) {
        Conversations.checkOwner(owner);
        return database.read(connection -> find(connection, owner, messageId));
    }

    private Message insert(String owner, String conversationId, Role role, JsonNode content, MessageStatus status,
                           List<NewAttachment> attachments) {
        Conversations.checkOwner(owner);
        Instant now = Instant.ofEpochMilli(clock.millis());
        String id = RandomIds.next("msg_");
        String json = StoredJson.write(content);
        String searchText = StoredJson.searchText(content);
        return database.write(connection -> {
            int ordinal = claimOrdinal(connection, owner, conversationId, now.toEpochMilli());
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO messages (id, conversation_id, ordinal, role,"
                    + " content, content_search, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, id);
                insert.setString(2, conversationId);
                insert.setInt(3, ordinal);
                insert.setString(4, role.wireName());
                insert.setString(5, json);
                insert.setString(6, searchText);
                insert.setString(7, status.wireName());
                insert.setLong(8, now.toEpochMilli());
                insert.setLong(9, now.toEpochMilli());
                insert.executeUpdate();
            }
            List<Attachment> stored = insertAttachments(connection, id, attachments, now);
            return new Message(id, conversationId, ordinal, role, content, null, null, null, null, null, status, null, now, now, stored);
        });
    }

    /**
     * Takes the conversation's next ordinal and marks it updated. The UPDATE comes first so that on
     * PostgreSQL it row-locks the conversation: a concurrent append waits, then reads the new value.
     */
    private static int claimOrdinal(Connection connection, String owner, String conversationId, long now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE conversations SET next_ordinal = next_ordinal + 1, updated_at = ? WHERE id = ? AND owner = ?")) {
            update.setLong(1, now);
            update.setString(2, conversationId);
            update.setString(3, owner);
            if (update.executeUpdate() == 0) throw new NotFoundException("conversation", conversationId);
        }
        try (PreparedStatement query = connection.prepareStatement("SELECT next_ordinal FROM conversations WHERE id = ?")) {
            query.setString(1, conversationId);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getInt(1) - 1;
            }
        }
    }

    private static List<Attachment> insertAttachments(Connection connection, String messageId, List<NewAttachment> attachments,
                                                      Instant now) throws SQLException {
        List<Attachment> stored = new ArrayList<>();
        if (attachments.isEmpty()) return stored;
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO attachments (id, message_id, position, kind,"
                + " mime_type, byte_size, sha256, file_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int position = 0; position < attachments.size(); position++) {
                NewAttachment a = attachments.get(position);
                Attachment attachment = new Attachment(RandomIds.next("att_"), messageId, a.kind(), a.mimeType(), a.byteSize(),
                        a.sha256(), a.fileName(), now);
                insert.setString(1, attachment.id());
                insert.setString(2, messageId);
                insert.setInt(3, position);
                insert.setString(4, a.kind().wireName());
                insert.setString(5, a.mimeType());
                insert.setLong(6, a.byteSize());
                insert.setString(7, a.sha256());
                insert.setString(8, a.fileName());
                insert.setLong(9, now.toEpochMilli());
                insert.executeUpdate();
                stored.add(attachment);
            }
        }
        return stored;
    }

    private static void touchConversation(Connection connection, String conversationId, long now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE conversations SET updated_at = ? WHERE id = ?")) {
            update.setLong(1, now);
            update.setString(2, conversationId);
            update.executeUpdate();
        }
    }

    /** Why an update of a reply matched nothing: no such message for this owner, or it is no longer streaming. */
    private static RuntimeException notIncomplete(Connection connection, String owner, String replyId) throws SQLException {
        return find(connection, owner, replyId).<RuntimeException>map(m -> new IllegalStateException("message " + replyId + " is already complete"))
                .orElseGet(() -> new NotFoundException("message", replyId));
    }

    private static Optional<Message> find(Connection connection, String owner, String messageId) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM messages m WHERE m.id = ? AND " + OWNED)) {
            query.setString(1, messageId);
            query.setString(2, owner);
            List<Message> found = withAttachments(connection, messages(query));
            return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
        }
    }

    private static List<Message> messages(PreparedStatement query) throws SQLException {
        List<Message> found = new ArrayList<>();
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                Integer prompt = SqlValues.intOrNull(rows, "prompt_tokens");
                Integer completion = SqlValues.intOrNull(rows, "completion_tokens");
                Integer leftOut = SqlValues.intOrNull(rows, "left_out_messages");
                TokenUsage usage = prompt == null || completion == null ? null : new TokenUsage(prompt, completion, leftOut == null ? 0 : leftOut);
                found.add(new Message(rows.getString("id"), rows.getString("conversation_id"), rows.getInt("ordinal"),
                        Role.fromWireName(rows.getString("role")), StoredJson.read(rows.getString("content")), rows.getString("reasoning"),
                        rows.getString("contemplation") == null ? null : StoredJson.read(rows.getString("contemplation")),
                        rows.getString("tool_steps") == null ? null : StoredJson.read(rows.getString("tool_steps")),
                        rows.getString("citations") == null ? null : StoredJson.read(rows.getString("citations")), rows.getString("refusal"),
                        MessageStatus.fromWireName(rows.getString("status")), usage, SqlValues.instant(rows, "created_at"),
                        SqlValues.instant(rows, "updated_at"), List.of()));
            }
        }
        return found;
    }

    /** Fills in attachments with one query per call, not one per message. */
    private static List<Message> withAttachments(Connection connection, List<Message> messages) throws SQLException {
        if (messages.isEmpty()) return messages;
        Map<String, List<Attachment>> byMessage = new LinkedHashMap<>();
        for (Message message : messages) byMessage.put(message.id(), new ArrayList<>());
        String sql = messages.size() == 1
                ? "SELECT a.* FROM attachments a WHERE a.message_id = ? ORDER BY a.position"
                : "SELECT a.* FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.conversation_id = ? ORDER BY m.ordinal, a.position";
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, messages.size() == 1 ? messages.getFirst().id() : messages.getFirst().conversationId());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    List<Attachment> list = byMessage.get(rows.getString("message_id"));
                    if (list == null) continue;
                    list.add(new Attachment(rows.getString("id"), rows.getString("message_id"),
                            AttachmentKind.fromWireName(rows.getString("kind")), rows.getString("mime_type"), rows.getLong("byte_size"),
                            rows.getString("sha256"), rows.getString("file_name"), SqlValues.instant(rows, "created_at")));
                }
            }
        }
        List<Message> filled = new ArrayList<>(messages.size());
        for (Message m : messages) {
            filled.add(new Message(m.id(), m.conversationId(), m.ordinal(), m.role(), m.content(), m.reasoning(), m.contemplation(), m.toolSteps(),
                    m.citations(), m.refusal(), m.status(), m.usage(),
                    m.createdAt(), m.updatedAt(), byMessage.get(m.id())));
        }
        return filled;
    }
}
