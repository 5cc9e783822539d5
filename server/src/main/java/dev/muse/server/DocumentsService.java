package dev.muse.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muse.documents.Chunker;
import dev.muse.documents.DocumentException;
import dev.muse.documents.DocumentReader;
import dev.muse.documents.DocumentText;
import dev.muse.documents.HybridSearch;
import dev.muse.runtime.EmbeddingRequest;
import dev.muse.runtime.Engine;
import dev.muse.server.openai.ApiException;
import dev.muse.server.openai.Json;
import dev.muse.server.openai.Multipart;
import dev.muse.server.store.Documents;
import dev.muse.server.store.NotFoundException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * People's documents, per key: {@code POST /v1/documents} (a multipart form: {@code file}, and the {@code collection} it
 * joins, "default" unless named) reads the file's text (PDF, DOCX, HTML, Markdown, text; capped, and refused plainly when
 * it cannot be read), cuts it into passages and answers at once, {@code 202} and {@code status: processing}, while the
 * passages are embedded in the background ({@code chunks_done} of {@code chunks_total}); {@code GET /v1/documents}
 * ({@code ?collection=}), {@code GET /v1/documents/{id}}, {@code DELETE /v1/documents/{id}} (its passages and vectors
 * with it); {@code POST /v1/documents/search} ({@code query}, {@code collections}, {@code k}) finds the best passages by
 * keywords and meaning together, each with its document, page and heading to cite.
 */
final class DocumentsService implements HttpService {
    static final long FORM_OVERHEAD = 1L << 20;
    static final int MAX_K = 50, MAX_QUERY_CHARS = 4000;
    private static final Pattern COLLECTION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 _.-]{0,199}");

    private final Engine engine;
    private final Documents documents;
    private final DocumentIndexer indexer;
    private final DocumentReader reader = new DocumentReader();

    DocumentsService(Engine engine, Documents documents, DocumentIndexer indexer) {
        this.engine = engine;
        this.documents = documents;
        this.indexer = indexer;
    }

    @Override public void routing(HttpRules rules) {
        rules.post("/", this::upload)
                .get("/", this::list)
                .post("/search", this::search)
                .get("/{id}", (req, res) -> Json.send(res, 200, json(find(req))))
                .delete("/{id}", this::delete);
    }

    private void upload(ServerRequest req, ServerResponse res) {
        String type = req.headers().contentType().map(Object::toString).orElse("");
        if (!type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data"))
            throw ApiException.invalid("file", "upload a document as multipart/form-data with a 'file' field");
        Map<String, Multipart.Part> form = Multipart.parse(type, Json.readBytes(req, DocumentReader.Limits.DEFAULT.maxBytes() + FORM_OVERHEAD));
        Multipart.Part file = form.get("file");
        if (file == null || file.data().length == 0) throw ApiException.invalid("file", "missing_required_parameter", "Missing required parameter: 'file'");
        String name = file.fileName() == null || file.fileName().isBlank() ? "document" : file.fileName().strip();
        if (name.length() > 255) name = name.substring(0, 255);
        String collection = form.containsKey("collection") ? collection(form.get("collection").text().strip()) : "default";
        DocumentText text;
        try {
            text = reader.read(name, file.data());
        } catch (DocumentException e) {
            throw ApiException.invalid("file", "unsupported_document", e.getMessage());
        }
        List<Documents.NewChunk> chunks = Chunker.DEFAULT.chunk(text).stream().map(c -> new Documents.NewChunk(c.page(), c.heading(), c.text())).toList();
        Documents.Document doc = documents.create(Access.owner(req), collection, name, text.title(), text.format(), file.data().length, text.pages(),
                Engine.DEFAULT_EMBEDDER, chunks);
        indexer.submit(doc.id());
        Json.send(res, 202, json(doc));
    }

    private void list(ServerRequest req, ServerResponse res) {
        String collection = req.query().first("collection").map(DocumentsService::collection).orElse(null);
        ArrayNode data = Json.MAPPER.createArrayNode();
        for (Documents.Document d : documents.list(Access.owner(req), collection)) data.add(json(d));
        ObjectNode out = Json.object();
        out.put("object", "list");
        out.set("data", data);
        Json.send(res, 200, out);
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        try {
            documents.delete(Access.owner(req), id);
        } catch (NotFoundException e) {
            throw ApiException.notFound("No document " + id);
        }
        ObjectNode out = Json.object();
        out.put("id", id);
        out.put("object", "document.deleted");
        out.put("deleted", true);
        Json.send(res, 200, out);
    }

    private void search(ServerRequest req, ServerResponse res) {
        JsonNode body = Json.readBody(req, 1 << 20);
        JsonNode queryNode = body.get("query");
        if (queryNode == null || !queryNode.isTextual() || queryNode.asText().isBlank())
            throw ApiException.invalid("query", "missing_required_parameter", "Missing required parameter: 'query'");
        if (queryNode.asText().length() > MAX_QUERY_CHARS) throw ApiException.invalid("query", "'query' is longer than " + MAX_QUERY_CHARS + " characters");
        int k = body.has("k") ? body.get("k").asInt(-1) : 5;
        if (k < 1 || k > MAX_K) throw ApiException.invalid("k", "'k' must be 1 to " + MAX_K);
        List<String> collections = collections(body.get("collections"));
        ArrayNode data = Json.MAPPER.createArrayNode();
        for (Passage p : search(Access.owner(req), queryNode.asText(), collections, k)) data.add(p.json());
        ObjectNode out = Json.object();
        out.put("object", "list");
        out.set("data", data);
        Json.send(res, 200, out);
    }

    /** A passage found for a query: its document, where it stands, its text and its scores. */
    record Passage(Documents.Chunk chunk, HybridSearch.Hit hit) {
        ObjectNode json() {
            ObjectNode o = Json.object();
            o.put("document_id", chunk.documentId());
            o.put("document", chunk.documentName());
            o.put("title", chunk.title());
            if (chunk.page() > 0) o.put("page", chunk.page());
            if (chunk.heading() != null) o.put("heading", chunk.heading());
            o.put("text", chunk.text());
            o.put("score", hit.score());
            o.put("keyword_score", hit.keywords());
            o.put("cosine", hit.cosine());
            return o;
        }
    }

    /** The owner's {@code k} passages best for {@code query} in {@code collections} (all when null): what a grounded answer reads. */
    List<Passage> search(String owner, String query, List<String> collections, int k) {
        List<Documents.Chunk> chunks = documents.searchable(owner, collections);
        if (chunks.isEmpty()) return List.of();
        float[] q = engine.embed(new EmbeddingRequest(Engine.DEFAULT_EMBEDDER, List.of(EmbeddingRequest.Input.of(query)))).vectors().getFirst();
        List<HybridSearch.Hit> hits = HybridSearch.search(chunks.stream().map(DocumentIndexer::passage).toList(),
                chunks.stream().map(Documents.Chunk::vector).toList(), query, q, k);
        List<Passage> out = new ArrayList<>();
        for (HybridSearch.Hit h : hits) out.add(new Passage(chunks.get(h.passage()), h));
        return out;
    }

    private Documents.Document find(ServerRequest req) {
        String id = req.path().pathParameters().get("id");
        return documents.get(Access.owner(req), id).orElseThrow(() -> ApiException.notFound("No document " + id));
    }

    static List<String> collections(JsonNode node) {
        if (node == null || node.isNull()) return null;
        if (!node.isArray() || node.isEmpty() || node.size() > 32) throw ApiException.invalid("collections", "'collections' must be a list of 1 to 32 names");
        List<String> out = new ArrayList<>();
        for (JsonNode n : node) {
            if (!n.isTextual()) throw ApiException.invalid("collections", "each collection is named by a string");
            out.add(collection(n.asText()));
        }
        return out;
    }

    static String collection(String name) {
        if (!COLLECTION.matcher(name).matches())
            throw ApiException.invalid("collection", "a collection's name is 1 to 200 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit");
        return name;
    }

    static ObjectNode json(Documents.Document d) {
        ObjectNode o = Json.object();
        o.put("id", d.id());
        o.put("object", "document");
        o.put("collection", d.collection());
        o.put("name", d.name());
        o.put("title", d.title());
        o.put("format", d.format());
        o.put("bytes", d.byteSize());
        if (d.pages() > 0) o.put("pages", d.pages());
        o.put("embedder", d.embedder());
        o.put("status", d.status());
        o.put("chunks_total", d.chunksTotal());
        o.put("chunks_done", d.chunksDone());
        if (d.error() != null) o.put("error", d.error());
        o.put("created_at", d.createdAt().getEpochSecond());
        return o;
    }
}
