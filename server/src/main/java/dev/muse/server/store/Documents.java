package dev.muse.server.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * People's documents and their passages, per owner (API key), grouped into named collections: each passage's page,
 * heading, text and embedding. Another owner's document is not there: reads come back empty, writes throw
 * {@link NotFoundException}. Deleting a document deletes its passages (the foreign key cascades), so nothing of it is
 * found again.
 */
public final class Documents {
    /** A document as listed: its progress while its passages are embedded, and the reason when that failed. */
    public record Document(String id, String collection, String name, String title, String format, long byteSize, int pages, String embedder,
                           String status, int chunksTotal, int chunksDone, String error, Instant createdAt) {}

    /** A passage to store: where it stands and its text (its vector comes later). */
    public record NewChunk(int page, String heading, String text) {}

    /** A passage with its document, as a search reads it; its vector null until embedded. */
    public record Chunk(String documentId, String documentName, String title, int ordinal, int page, String heading, String text, float[] vector) {}

    public static final String PROCESSING = "processing", READY = "ready", FAILED = "failed";
    private static final String COLUMNS = "id, collection, name, title, format, byte_size, pages, embedder, status, chunks_total, chunks_done, error, created_at";

    private final Database database;
    private final Clock clock;

    Documents(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Stores a document and its passages, to be embedded ({@link #PROCESSING}). */
    public Document create(String owner, String collection, String name, String title, String format, long byteSize, int pages, String embedder,
                           List<NewChunk> chunks) {
        Conversations.checkOwner(owner);
        String id = RandomIds.next("doc_");
        long now = clock.millis();
        database.write(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO documents (id, owner, collection, name, title, format, byte_size,"
                    + " pages, embedder, status, chunks_total, chunks_done, error, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, ?, ?)")) {
                insert.setString(1, id);
                insert.setString(2, owner);
                insert.setString(3, collection);
                insert.setString(4, name);
                insert.setString(5, title);
                insert.setString(6, format);
                insert.setLong(7, byteSize);
                insert.setInt(8, pages);
                insert.setString(9, embedder);
                insert.setString(10, PROCESSING);
                insert.setInt(11, chunks.size());
                insert.setLong(12, now);
                insert.setLong(13, now);
                insert.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO document_chunks (document_id, ordinal, page, heading, text, vector) VALUES (?, ?, ?, ?, ?, NULL)")) {
                for (int i = 0; i < chunks.size(); i++) {
                    insert.setString(1, id);
                    insert.setInt(2, i);
                    insert.setInt(3, chunks.get(i).page());
                    insert.setString(4, chunks.get(i).heading());
                    insert.setString(5, chunks.get(i).text());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        });
        return get(owner, id).orElseThrow();
    }

    public Optional<Document> get(String owner, String id) {
        Conversations.checkOwner(owner);
        return database.read(connection -> {
            try (PreparedStatement q = connection.prepareStatement("SELECT " + COLUMNS + " FROM documents WHERE owner = ? AND id = ?")) {
                q.setString(1, owner);
                q.setString(2, id);
                try (ResultSet rows = q.executeQuery()) {
                    return rows.next() ? Optional.of(document(rows)) : Optional.<Document>empty();
                }
            }
        });
    }

    /** The owner's documents, newest first; in one collection when it is named. */
    public List<Document> list(String owner, String collection) {
        Conversations.checkOwner(owner);
        return database.read(connection -> {
            try (PreparedStatement q = connection.prepareStatement("SELECT " + COLUMNS + " FROM documents WHERE owner = ?"
                    + (collection == null ? "" : " AND collection = ?") + " ORDER BY created_at DESC, id DESC")) {
                q.setString(1, owner);
                if (collection != null) q.setString(2, collection);
                List<Document> out = new ArrayList<>();
                try (ResultSet rows = q.executeQuery()) {
                    while (rows.next()) out.add(document(rows));
                }
                return out;
            }
        });
    }

    /** Deletes the document and its passages; a NotFoundException when the owner has no such document. */
    public void delete(String owner, String id) {
        Conversations.checkOwner(owner);
        int deleted = database.write(connection -> {
            try (PreparedStatement chunks = connection.prepareStatement("DELETE FROM document_chunks WHERE document_id IN (SELECT id FROM documents WHERE owner = ? AND id = ?)");
                 PreparedStatement doc = connection.prepareStatement("DELETE FROM documents WHERE owner = ? AND id = ?")) {
                chunks.setString(1, owner);
                chunks.setString(2, id);
                chunks.executeUpdate();
                doc.setString(1, owner);
                doc.setString(2, id);
                return doc.executeUpdate();
            }
        });
        if (deleted == 0) throw new NotFoundException("document", id);
    }

    /** The passages of a document still without a vector, in order (what indexing has left to do). */
    public List<Chunk> unembedded(String documentId) {
        return database.read(connection -> {
            try (PreparedStatement q = connection.prepareStatement("SELECT c.document_id, d.name, d.title, c.ordinal, c.page, c.heading, c.text, c.vector"
                    + " FROM document_chunks c JOIN documents d ON d.id = c.document_id WHERE c.document_id = ? AND c.vector IS NULL ORDER BY c.ordinal")) {
                q.setString(1, documentId);
                return chunks(q);
            }
        });
    }

    /** Stores passage vectors ({@code ordinals[i]} gets {@code vectors[i]}) and counts them done; ready once all are. */
    public void embedded(String documentId, int[] ordinals, List<float[]> vectors) {
        database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE document_chunks SET vector = ? WHERE document_id = ? AND ordinal = ?")) {
                for (int i = 0; i < ordinals.length; i++) {
                    update.setString(1, encode(vectors.get(i)));
                    update.setString(2, documentId);
                    update.setInt(3, ordinals[i]);
                    update.addBatch();
                }
                update.executeBatch();
            }
            try (PreparedStatement doc = connection.prepareStatement("UPDATE documents SET chunks_done = chunks_done + ?, updated_at = ?,"
                    + " status = CASE WHEN chunks_done + ? >= chunks_total THEN ? ELSE status END WHERE id = ?")) {
                doc.setInt(1, ordinals.length);
                doc.setLong(2, clock.millis());
                doc.setInt(3, ordinals.length);
                doc.setString(4, READY);
                doc.setString(5, documentId);
                return doc.executeUpdate();
            }
        });
    }

    /** Marks a document failed, with the reason a person reads. */
    public void failed(String documentId, String error) {
        database.write(connection -> {
            try (PreparedStatement doc = connection.prepareStatement("UPDATE documents SET status = ?, error = ?, updated_at = ? WHERE id = ?")) {
                doc.setString(1, FAILED);
                doc.setString(2, error);
                doc.setLong(3, clock.millis());
                doc.setString(4, documentId);
                return doc.executeUpdate();
            }
        });
    }

    /** Documents of any owner still being embedded (a restart picks them up where they stopped), oldest first. */
    public List<String> processing() {
        return database.read(connection -> {
            try (PreparedStatement q = connection.prepareStatement("SELECT id FROM documents WHERE status = ? ORDER BY created_at")) {
                q.setString(1, PROCESSING);
                List<String> ids = new ArrayList<>();
                try (ResultSet rows = q.executeQuery()) {
                    while (rows.next()) ids.add(rows.getString(1));
                }
                return ids;
            }
        });
    }

    /** The embedded passages of the owner's ready documents, in the named collections (all of them when null). */
    public List<Chunk> searchable(String owner, List<String> collections) {
        Conversations.checkOwner(owner);
        return database.read(connection -> {
            String in = collections == null ? "" : " AND d.collection IN (" + String.join(", ", java.util.Collections.nCopies(collections.size(), "?")) + ")";
            try (PreparedStatement q = connection.prepareStatement("SELECT c.document_id, d.name, d.title, c.ordinal, c.page, c.heading, c.text, c.vector"
                    + " FROM document_chunks c JOIN documents d ON d.id = c.document_id WHERE d.owner = ? AND d.status = ?" + in
                    + " AND c.vector IS NOT NULL ORDER BY d.created_at, c.document_id, c.ordinal")) {
                q.setString(1, owner);
                q.setString(2, READY);
                if (collections != null) for (int i = 0; i < collections.size(); i++) q.setString(3 + i, collections.get(i));
                return chunks(q);
            }
        });
    }

    private static List<Chunk> chunks(PreparedStatement q) throws SQLException {
        List<Chunk> out = new ArrayList<>();
        try (ResultSet rows = q.executeQuery()) {
            while (rows.next())
                out.add(new Chunk(rows.getString(1), rows.getString(2), rows.getString(3), rows.getInt(4), rows.getInt(5), rows.getString(6),
                        rows.getString(7), rows.getString(8) == null ? null : decode(rows.getString(8))));
        }
        return out;
    }

    private static Document document(ResultSet r) throws SQLException {
        return new Document(r.getString("id"), r.getString("collection"), r.getString("name"), r.getString("title"), r.getString("format"),
                r.getLong("byte_size"), r.getInt("pages"), r.getString("embedder"), r.getString("status"), r.getInt("chunks_total"),
                r.getInt("chunks_done"), r.getString("error"), Instant.ofEpochMilli(r.getLong("created_at")));
    }

    static String encode(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return Base64.getEncoder().encodeToString(b.array());
    }

    static float[] decode(String s) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(s)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        for (int i = 0; i < v.length; i++) v[i] = b.getFloat();
        return v;
    }
}
