package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.server.openai.Json;
import dev.muse.server.store.Documents;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Documents through the API with the embedder Muse carries: a PDF uploaded, embedded in the background, found by a
 * question with its page; owned by its key; deleted for real (no search hit, no passage left); bad files refused plainly;
 * and a document left half-embedded by a restart finished when the indexer starts again.
 */
class DocumentsApiTest {
    @TempDir Path dir;

    static byte[] pdf(boolean encrypted, String... pages) throws Exception {
        return dev.muse.testkit.Pdfs.pdf(null, encrypted, pages);
    }

    static HttpResponse<String> upload(TestServer s, String key, String name, byte[] file, String collection) throws Exception {
        String boundary = "muse-test-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        if (collection != null)
            body.writeBytes(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"collection\"\r\n\r\n" + collection).getBytes(StandardCharsets.UTF_8));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return s.http.send(HttpRequest.newBuilder(URI.create(s.base() + "/v1/documents")).header("Authorization", "Bearer " + key)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode ready(TestServer s, String key, String id) throws Exception {
        for (int i = 0; i < 600; i++) {
            JsonNode doc = TestServer.json(s.send("GET", "/v1/documents/" + id, null, key));
            if (!doc.get("status").asText().equals("processing")) return doc;
            Thread.sleep(100);
        }
        throw new AssertionError("the document was not embedded within a minute");
    }

    @Test
    void aPdfIsFoundByAQuestionWithItsPageAndDeletedForReal() throws Exception {
        try (TestServer s = new TestServer(dir, true)) {
            var aliceKey = s.store.keys().create("alice");
            String alice = aliceKey.secret(), bob = s.store.keys().create("bob").secret();
            HttpResponse<String> created = upload(s, alice, "lighthouse.pdf", pdf(false, "The lighthouse keeper is named Grace Darling.",
                    "Bread needs flour, water, salt and yeast.", "The harbour has twelve fishing boats."), "coast");
            assertEquals(202, created.statusCode(), created.body());
            JsonNode doc = TestServer.json(created);
            assertEquals("processing", doc.get("status").asText());
            assertEquals("coast", doc.get("collection").asText());
            assertEquals(3, doc.get("pages").asInt());
            String id = doc.get("id").asText();
            JsonNode done = ready(s, alice, id);
            assertEquals("ready", done.get("status").asText(), done.toString());
            assertEquals(done.get("chunks_total").asInt(), done.get("chunks_done").asInt());

            JsonNode hits = TestServer.json(s.send("POST", "/v1/documents/search", "{\"query\": \"Who keeps the lighthouse?\", \"collections\": [\"coast\"], \"k\": 2}", alice)).get("data");
            assertEquals(2, hits.size(), hits.toString());
            assertEquals(1, hits.get(0).get("page").asInt(), "the keeper's page first: " + hits);
            assertEquals("lighthouse.pdf", hits.get(0).get("document").asText());
            assertTrue(hits.get(0).get("text").asText().contains("Grace Darling"));
            JsonNode bread = TestServer.json(s.send("POST", "/v1/documents/search", "{\"query\": \"what goes into bread dough\"}", alice)).get("data");
            assertEquals(2, bread.get(0).get("page").asInt(), bread.toString());

            assertEquals(0, TestServer.json(s.send("POST", "/v1/documents/search", "{\"query\": \"lighthouse\"}", bob)).get("data").size(), "bob sees none of alice's");
            assertEquals(404, s.send("GET", "/v1/documents/" + id, null, bob).statusCode());
            assertEquals(404, s.send("DELETE", "/v1/documents/" + id, null, bob).statusCode());
            assertEquals(1, TestServer.json(s.send("GET", "/v1/documents?collection=coast", null, alice)).get("data").size());
            assertEquals(0, TestServer.json(s.send("GET", "/v1/documents?collection=recipes", null, alice)).get("data").size());

            JsonNode deleted = TestServer.json(s.send("DELETE", "/v1/documents/" + id, null, alice));
            assertTrue(deleted.get("deleted").asBoolean());
            assertEquals(404, s.send("GET", "/v1/documents/" + id, null, alice).statusCode());
            assertEquals(0, TestServer.json(s.send("POST", "/v1/documents/search", "{\"query\": \"lighthouse keeper\"}", alice)).get("data").size());
            assertTrue(s.store.documents().unembedded(id).isEmpty() && s.store.documents().searchable(aliceKey.key().id(), null).isEmpty(),
                    "no passage is left");
        }
    }

    /** A chat grounded in a collection, through the official client: the passages reach the model and come back as citations. */
    @Test
    void aGroundedChatCitesItsPassages() throws Exception {
        try (TestServer s = new TestServer(dir, true)) {
            String key = s.store.keys().create("k").secret();
            String id = TestServer.json(upload(s, key, "lighthouse.pdf", pdf(false, "The lighthouse keeper is named Grace Darling.",
                    "Bread needs flour, water, salt and yeast."), "coast")).get("id").asText();
            assertEquals("ready", ready(s, key, id).get("status").asText());
            JsonNode seen = Json.MAPPER.readTree(OpenAiClient.run("grounded.mjs", 120, s.base() + "/v1", key));
            JsonNode citations = seen.get("citations");
            assertEquals(2, citations.size(), seen.toString());
            assertEquals(1, citations.get(0).get("index").asInt());
            assertEquals(1, citations.get(0).get("page").asInt(), "the keeper's page is [1]");
            assertEquals("lighthouse.pdf", citations.get(0).get("document").asText());
            assertEquals(id, citations.get(0).get("document_id").asText());
            assertTrue(seen.get("groundedPrompt").asInt() > seen.get("plainPrompt").asInt() + 20, "the model read the passages: " + seen);
            assertTrue(seen.get("plainCitations").isNull());
            assertEquals(2, seen.get("streamFirst").size(), "a stream's first chunk carries them: " + seen);
            OpenAiApiTest.assertError(s.send("POST", "/v1/chat/completions", "{\"model\": \"tiny-chat\", \"messages\": [{\"role\": \"user\", "
                    + "\"content\": \"x\"}], \"muse_collections\": [\"../x\"]}", key), 400, "muse_collections", null);

            // in a stored conversation the reply keeps its citations: a reloaded conversation still follows each [n]
            String conversation = TestServer.json(s.send("POST", "/v1/conversations", "{\"title\": \"coast\"}", key)).get("id").asText();
            JsonNode answer = TestServer.json(s.send("POST", "/v1/chat/completions", "{\"model\": \"tiny-chat\", \"conversation_id\": \"" + conversation
                    + "\", \"max_tokens\": 4, \"messages\": [{\"role\": \"user\", \"content\": \"Who keeps the lighthouse?\"}], \"muse_collections\": true}", key));
            assertEquals(2, answer.get("muse_citations").size(), answer.toString());
            JsonNode stored = TestServer.json(s.send("GET", "/v1/conversations/" + conversation, null, key));
            JsonNode reply = stored.get("messages").get(1);
            assertEquals(answer.get("muse_citations"), reply.get("muse_citations"), stored.toString());
            assertFalse(stored.get("messages").get(0).has("muse_citations"), "the question is stored as asked, without the passages");
            assertEquals("Who keeps the lighthouse?", stored.get("messages").get(0).get("content").asText());
        }
    }

    @Test
    void filesThatCannotBeReadAreRefusedPlainly() throws Exception {
        try (TestServer s = new TestServer(dir, true)) {
            String key = s.store.keys().create("k").secret();
            HttpResponse<String> locked = upload(s, key, "locked.pdf", pdf(true, "secret"), null);
            OpenAiApiTest.assertError(locked, 400, "file", "unsupported_document");
            assertTrue(locked.body().contains("encrypted PDF"), locked.body());
            OpenAiApiTest.assertError(upload(s, key, "x.bin", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 7}, null), 400, "file", "unsupported_document");
            OpenAiApiTest.assertError(upload(s, key, "notes.txt", "some notes".getBytes(StandardCharsets.UTF_8), "../etc"), 400, "collection", null);
            OpenAiApiTest.assertError(s.send("POST", "/v1/documents", "{}", key), 400, "file", null);
            OpenAiApiTest.assertError(s.send("POST", "/v1/documents/search", "{\"query\": \"\"}", key), 400, "query", "missing_required_parameter");
            OpenAiApiTest.assertError(s.send("POST", "/v1/documents/search", "{\"query\": \"x\", \"k\": 0}", key), 400, "k", null);
            assertEquals(0, TestServer.json(s.send("GET", "/v1/documents", null, key)).get("data").size(), "nothing was stored");
        }
    }

    @Test
    void aDocumentLeftHalfEmbeddedIsFinishedWhenTheIndexerStartsAgain() throws Exception {
        try (TestServer s = new TestServer(dir, false)) {
            Documents documents = s.store.documents();
            Documents.Document doc = documents.create("local", "default", "notes.txt", "notes", "text", 20, 0, "all-minilm-l6-v2",
                    List.of(new Documents.NewChunk(0, null, "first passage"), new Documents.NewChunk(0, "Second", "second passage")));
            documents.embedded(doc.id(), new int[] {0}, List.of(new float[384])); // as a server that stopped after one batch left it
            assertEquals(1, documents.unembedded(doc.id()).size());
            try (DocumentIndexer again = new DocumentIndexer(s.server.engine(), documents)) {
                for (int i = 0; i < 600 && !documents.get("local", doc.id()).orElseThrow().status().equals(Documents.READY); i++) Thread.sleep(100);
            }
            Documents.Document finished = documents.get("local", doc.id()).orElseThrow();
            assertEquals(Documents.READY, finished.status());
            assertEquals(2, finished.chunksDone());
        }
    }
}
