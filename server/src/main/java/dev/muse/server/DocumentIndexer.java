package dev.muse.server;

import dev.muse.runtime.EmbeddingRequest;
import dev.muse.runtime.Engine;
import dev.muse.server.store.Documents;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Embeds uploaded documents' passages in the background, one document after another, a batch of passages at a time:
 * each batch's vectors are stored as it is done, so a document's progress shows while it is embedded and a restart goes
 * on where it stopped (documents still processing are picked up when the server starts). A document deleted meanwhile
 * simply has nothing left to embed; one whose embedding fails is marked failed with the reason.
 */
final class DocumentIndexer implements AutoCloseable {
    static final int BATCH = 16;
    private static final Logger LOG = Logger.getLogger(DocumentIndexer.class.getName());

    private final Engine engine;
    private final Documents documents;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("document-indexer").factory());

    DocumentIndexer(Engine engine, Documents documents) {
        this.engine = engine;
        this.documents = documents;
        for (String id : documents.processing()) submit(id);
    }

    void submit(String documentId) {
        worker.submit(() -> index(documentId));
    }

    private void index(String documentId) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                List<Documents.Chunk> left = documents.unembedded(documentId);
                if (left.isEmpty()) return;
                List<Documents.Chunk> batch = left.subList(0, Math.min(BATCH, left.size()));
                String embedder = Engine.DEFAULT_EMBEDDER;
                EmbeddingRequest.Result result = engine.embed(new EmbeddingRequest(embedder,
                        batch.stream().map(c -> EmbeddingRequest.Input.of(passage(c))).toList()));
                documents.embedded(documentId, batch.stream().mapToInt(Documents.Chunk::ordinal).toArray(), result.vectors());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "embedding document " + documentId + " failed", e);
            documents.failed(documentId, "its passages could not be embedded: " + e.getMessage());
        }
    }

    /** What is embedded of a passage: its heading, when it has one, then its text (the heading says what it is about). */
    static String passage(Documents.Chunk c) {
        return c.heading() == null ? c.text() : c.heading() + "\n" + c.text();
    }

    @Override public void close() {
        worker.shutdownNow();
    }
}
