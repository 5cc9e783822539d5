package dev.muse.server.store;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** What the store promises, checked the same way on SQLite and on PostgreSQL. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestEngine.class)
class StoreContractTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ALICE = "key_alice", BOB = "key_bob";

    @Parameter TestEngine engine;
    @TempDir Path dir;
    StoreConfig config;
    Store store;

    @BeforeEach void open() throws Exception {
        config = engine.freshDatabase(dir);
        store = Store.open(config, new TestEngine.TickingClock());
    }

    @AfterEach void close() throws SQLException {
        store.close();
        assertEquals(0, store.openConnections(), "every connection is closed with the store");
        engine.dispose(config);
    }

    static JsonNode json(String text) throws Exception { return JSON.readTree(text); }

    Conversations conversations() { return store.conversations(); }

    Messages messages() { return store.messages(); }

    // Owners

    @Test void anotherOwnersConversationIsNotThere() throws Exception {
        Conversation mine = conversations().create(ALICE, "Alice's plans", "m", json("{\"temperature\":0.5}"));
        Message hello = messages().append(ALICE, mine.id(), Role.USER, TextNode.valueOf("hello"));
        Message reply = messages().beginReply(ALICE, mine.id());
        Conversation before = conversations().get(ALICE, mine.id()).orElseThrow();

        assertTrue(conversations().get(BOB, mine.id()).isEmpty());
        assertTrue(conversations().get(Store.LOCAL_OWNER, mine.id()).isEmpty());
        assertTrue(conversations().list(BOB, null, 50, null).conversations().isEmpty());
        assertTrue(conversations().list(BOB, "plans", 50, null).conversations().isEmpty());
        assertThrows(NotFoundException.class, () -> conversations().rename(BOB, mine.id(), "mine now"));
        assertThrows(NotFoundException.class, () -> conversations().updateSettings(BOB, mine.id(), "x", null));
        assertFalse(conversations().delete(BOB, mine.id()));
        assertThrows(NotFoundException.class, () -> messages().list(BOB, mine.id()));
        assertThrows(NotFoundException.class, () -> messages().append(BOB, mine.id(), Role.USER, TextNode.valueOf("hi")));
        assertThrows(NotFoundException.class, () -> messages().beginReply(BOB, mine.id()));
        assertThrows(NotFoundException.class, () -> messages().updateReply(BOB, reply.id(), TextNode.valueOf("x"), null));
        assertThrows(NotFoundException.class, () -> messages().finishReply(BOB, reply.id(), TextNode.valueOf("x"), null, null));
        assertTrue(messages().get(BOB, hello.id()).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> conversations().get(null, mine.id()), "no owner is never 'any owner'");

        assertEquals(before, conversations().get(ALICE, mine.id()).orElseThrow(), "nothing Bob tried changed it");
        assertEquals(List.of(hello.id(), reply.id()), messages().list(ALICE, mine.id()).stream().map(Message::id).toList());
        assertEquals(List.of(before), conversations().list(ALICE, null, 50, null).conversations());
    }

    // Conversations

    @Test void createGetRenameAndUpdateSettings() throws Exception {
        Conversation created = conversations().create(ALICE, "  Trip  ", null, null);
        assertTrue(created.id().matches("conv_[A-Za-z0-9_-]{22}"), created.id());
        assertEquals("Trip", created.title());
        assertEquals(json("{}"), created.settings());
        assertNull(created.model());
        assertEquals(created, conversations().get(ALICE, created.id()).orElseThrow());

        Conversation renamed = conversations().rename(ALICE, created.id(), "Trip to Lyon");
        assertEquals("Trip to Lyon", renamed.title());
        assertTrue(renamed.updatedAt().isAfter(created.updatedAt()));

        JsonNode settings = json("{\"system\":\"Be brief.\",\"temperature\":0.2,\"max_tokens\":64}");
        Conversation tuned = conversations().updateSettings(ALICE, created.id(), "qwen3-0.6b", settings);
        assertEquals(settings, tuned.settings());
        assertEquals("qwen3-0.6b", tuned.model());
        assertEquals(tuned, conversations().get(ALICE, created.id()).orElseThrow());

        assertThrows(IllegalArgumentException.class, () -> conversations().updateSettings(ALICE, created.id(), null, json("[1]")));
        assertThrows(IllegalArgumentException.class, () -> conversations().rename(ALICE, created.id(), "x".repeat(501)));
        assertThrows(NotFoundException.class, () -> conversations().rename(ALICE, "conv_nope", "x"));
    }

    @Test void deleteCascadesToMessagesAndAttachments() throws Exception {
        Conversation doomed = conversations().create(ALICE, "doomed", null, null);
        Conversation kept = conversations().create(ALICE, "kept", null, null);
        for (Conversation c : List.of(doomed, kept)) {
            messages().append(ALICE, c.id(), Role.USER, json("[{\"type\":\"text\",\"text\":\"look\"},{\"type\":\"image_url\"}]"),
                    List.of(new NewAttachment(AttachmentKind.IMAGE, "image/png", 10, "a".repeat(64), "cat.png")));
            messages().append(ALICE, c.id(), Role.ASSISTANT, TextNode.valueOf("a cat"));
        }
        assertTrue(conversations().delete(ALICE, doomed.id()));
        assertFalse(conversations().delete(ALICE, doomed.id()), "already gone");
        assertTrue(conversations().get(ALICE, doomed.id()).isEmpty());
        assertThrows(NotFoundException.class, () -> messages().list(ALICE, doomed.id()));

        try (Connection raw = TestEngine.raw(config)) {
            assertEquals(0, count(raw, "SELECT COUNT(*) FROM messages WHERE conversation_id = ?", doomed.id()));
            assertEquals(2, count(raw, "SELECT COUNT(*) FROM messages WHERE conversation_id = ?", kept.id()));
            assertEquals(1, count(raw, "SELECT COUNT(*) FROM attachments"), "only the kept conversation's attachment is left");
        }
        assertEquals(2, messages().list(ALICE, kept.id()).size());
    }

    @Test void listIsNewestFirstAndPagesWithoutGapsOrRepeats() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) ids.add(conversations().create(ALICE, "c" + i, null, null).id());
        messages().append(ALICE, ids.get(2), Role.USER, TextNode.valueOf("bump")); // activity moves it to the top
        List<String> expected = new ArrayList<>(List.of(ids.get(2), ids.get(6), ids.get(5), ids.get(4), ids.get(3), ids.get(1), ids.get(0)));

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            ConversationPage page = conversations().list(ALICE, null, 3, cursor);
            page.conversations().forEach(c -> seen.add(c.id()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null);
        assertEquals(expected, seen);
        assertEquals(3, pages);
        assertNull(conversations().list(ALICE, null, 7, null).nextCursor(), "an exactly full page is the last one");
        assertThrows(IllegalArgumentException.class, () -> conversations().list(ALICE, null, 3, "not a cursor"));
        assertThrows(IllegalArgumentException.class, () -> conversations().list(ALICE, null, 0, null));
    }

    @Test void searchFindsTitlesAndMessageTextIgnoringCase() throws Exception {
        Conversation title = conversations().create(ALICE, "Ärger mit dem Vermieter", null, null);
        Conversation text = conversations().create(ALICE, "Untitled", null, null);
        messages().append(ALICE, text.id(), Role.USER, json("[{\"type\":\"text\",\"text\":\"What does ÄRGER mean?\"}]"));
        Conversation percent = conversations().create(ALICE, "Growth of 100% in a year", null, null);
        Conversation other = conversations().create(ALICE, "Something else", null, null);
        messages().append(ALICE, other.id(), Role.USER, TextNode.valueOf("100 apples"));
        Conversation bobs = conversations().create(BOB, "ärger too", null, null);

        assertEquals(Set.of(title.id(), text.id()), ids(conversations().list(ALICE, "ärger", 50, null)));
        assertEquals(Set.of(title.id(), text.id()), ids(conversations().list(ALICE, "  ÄRGER ", 50, null)));
        assertEquals(Set.of(percent.id()), ids(conversations().list(ALICE, "100%", 50, null)), "% is a character, not a wildcard");
        assertEquals(Set.of(), ids(conversations().list(ALICE, "type", 50, null)), "JSON syntax is not searched");
        assertEquals(Set.of(other.id()), ids(conversations().list(ALICE, "APPLES", 50, null)));
        assertEquals(Set.of(bobs.id()), ids(conversations().list(BOB, "ärger", 50, null)));
        assertEquals(4, conversations().list(ALICE, "", 50, null).conversations().size());
    }

    static Set<String> ids(ConversationPage page) {
        Set<String> ids = new HashSet<>();
        page.conversations().forEach(c -> ids.add(c.id()));
        return ids;
    }

    // Messages

    @Test void messagesKeepOrderContentAndAttachments() throws Exception {
        Conversation c = conversations().create(ALICE, "pictures", null, null);
        JsonNode parts = json("[{\"type\":\"text\",\"text\":\"what is this?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"att_1\"}}]");
        Message system = messages().append(ALICE, c.id(), Role.SYSTEM, TextNode.valueOf("You describe pictures."));
        Message user = messages().append(ALICE, c.id(), Role.USER, parts, List.of(
                new NewAttachment(AttachmentKind.IMAGE, "image/PNG", 1234, "AB".repeat(32), "../../etc/passwd"),
                new NewAttachment(AttachmentKind.AUDIO, "audio/wav", 99, "cd".repeat(32), "C:\\Users\\me\\voice note .wav. ")));
        Message answer = messages().append(ALICE, c.id(), Role.ASSISTANT, TextNode.valueOf("A cat."));

        List<Message> stored = messages().list(ALICE, c.id());
        assertEquals(List.of(0, 1, 2), stored.stream().map(Message::ordinal).toList());
        assertEquals(List.of(Role.SYSTEM, Role.USER, Role.ASSISTANT), stored.stream().map(Message::role).toList());
        assertEquals(List.of(system, user, answer), stored, "what append returned is what is stored");
        assertEquals(parts, stored.get(1).content());
        List<Attachment> attachments = stored.get(1).attachments();
        assertEquals(List.of("passwd", "voice note .wav"), attachments.stream().map(Attachment::fileName).toList());
        assertEquals("image/png", attachments.get(0).mimeType());
        assertEquals("ab".repeat(32), attachments.get(0).sha256());
        assertEquals(1234, attachments.get(0).byteSize());
        assertEquals(AttachmentKind.AUDIO, attachments.get(1).kind());
        assertEquals(MessageStatus.COMPLETE, stored.get(2).status());
        assertEquals(user, messages().get(ALICE, user.id()).orElseThrow());
        assertTrue(conversations().get(ALICE, c.id()).orElseThrow().updatedAt().isAfter(c.updatedAt()));

        assertThrows(IllegalArgumentException.class, () -> messages().append(ALICE, c.id(), Role.USER, json("42")));
        assertThrows(IllegalArgumentException.class, () -> messages().append(ALICE, c.id(), Role.USER, json("[\"no type\"]")));
        assertThrows(IllegalArgumentException.class,
                () -> new NewAttachment(AttachmentKind.IMAGE, "audio/wav", 1, "a".repeat(64), "x.wav"), "kind and MIME type disagree");
        assertThrows(IllegalArgumentException.class, () -> new NewAttachment(AttachmentKind.IMAGE, "image/png", 1, "xyz", "x.png"));
        assertEquals(3, messages().list(ALICE, c.id()).size(), "rejected messages left nothing behind");
    }

    @Test void truncateRewindsToJustBeforeAMessage() throws Exception {
        Conversation c = conversations().create(ALICE, "rewind", null, null);
        Conversation other = conversations().create(ALICE, "other", null, null);
        Message first = messages().append(ALICE, c.id(), Role.USER, TextNode.valueOf("first"));
        messages().append(ALICE, c.id(), Role.ASSISTANT, TextNode.valueOf("answer one"));
        Message second = messages().append(ALICE, c.id(), Role.USER, json("[{\"type\":\"text\",\"text\":\"second\"}]"),
                List.of(new NewAttachment(AttachmentKind.IMAGE, "image/png", 10, "ab".repeat(32), "a.png")));
        messages().append(ALICE, c.id(), Role.ASSISTANT, TextNode.valueOf("answer two"));
        Message elsewhere = messages().append(ALICE, other.id(), Role.USER, TextNode.valueOf("untouched"));

        assertThrows(NotFoundException.class, () -> messages().truncate(BOB, c.id(), second.id()), "another owner's message");
        assertThrows(NotFoundException.class, () -> messages().truncate(ALICE, c.id(), elsewhere.id()), "another conversation's message");
        assertEquals(4, messages().list(ALICE, c.id()).size(), "refused truncations deleted nothing");

        assertEquals(2, messages().truncate(ALICE, c.id(), second.id()));
        assertEquals(List.of("first", "answer one"), messages().list(ALICE, c.id()).stream().map(m -> m.content().asText()).toList());
        try (Connection raw = TestEngine.raw(config)) {
            assertEquals(0, count(raw, "SELECT COUNT(*) FROM attachments"), "the deleted message's attachments went with it");
        }
        Message again = messages().append(ALICE, c.id(), Role.USER, TextNode.valueOf("second, edited"));
        assertTrue(again.ordinal() > first.ordinal());
        assertEquals(List.of("first", "answer one", "second, edited"), messages().list(ALICE, c.id()).stream().map(m -> m.content().asText()).toList());
        assertEquals(3, messages().truncate(ALICE, c.id(), first.id()));
        assertTrue(messages().list(ALICE, c.id()).isEmpty());
        assertEquals(1, messages().list(ALICE, other.id()).size());
    }

    @Test void aStreamedReplyIsIncompleteUntilFinished() throws Exception {
        Conversation c = conversations().create(ALICE, "story", null, null);
        messages().append(ALICE, c.id(), Role.USER, TextNode.valueOf("Tell me a story"));
        Message reply = messages().beginReply(ALICE, c.id());
        assertEquals(MessageStatus.INCOMPLETE, reply.status());
        assertEquals(Role.ASSISTANT, reply.role());
        assertEquals(1, reply.ordinal());

        messages().updateReply(ALICE, reply.id(), TextNode.valueOf("Once upon"), "A story, then.");
        Message partial = messages().get(ALICE, reply.id()).orElseThrow();
        assertEquals("Once upon", partial.content().asText());
        assertEquals("A story, then.", partial.reasoning(), "the thought so far is kept apart from the content");
        assertEquals(MessageStatus.INCOMPLETE, partial.status());
        assertEquals(Set.of(c.id()), ids(conversations().list(ALICE, "once upon", 10, null)), "saved text is searchable");

        JsonNode agents = new ObjectMapper().readTree("{\"agents\":[{\"agent\":0,\"perspective\":\"Step by step.\",\"content\":\"A fox.\"}]}");
        JsonNode steps = new ObjectMapper().readTree("[{\"id\":\"call_1\",\"name\":\"calculator\",\"arguments\":\"{}\",\"result\":\"36\"}]");
        assertThrows(NotFoundException.class, () -> messages().saveWork(BOB, reply.id(), agents, steps), "owner checked");
        messages().saveWork(ALICE, reply.id(), agents, null);
        messages().saveWork(ALICE, reply.id(), null, steps);
        Message done = messages().finishReply(ALICE, reply.id(), TextNode.valueOf("Once upon a time."), "A story, then. A short one.",
                new TokenUsage(12, 5));
        assertEquals(agents, done.contemplation(), "a contemplating reply keeps its sub-agents' work");
        assertEquals(steps, done.toolSteps(), "and the steps of Muse's tools, each saved without clearing the other");
        assertNull(partial.contemplation());
        assertNull(partial.toolSteps());
        assertEquals(MessageStatus.COMPLETE, done.status());
        assertEquals("A story, then. A short one.", done.reasoning());
        assertEquals(Set.of(), ids(conversations().list(ALICE, "short one", 10, null)), "only the content is searched");
        assertEquals(new TokenUsage(12, 5), done.usage());
        assertEquals(done, messages().list(ALICE, c.id()).get(1));
        assertThrows(IllegalStateException.class, () -> messages().updateReply(ALICE, reply.id(), TextNode.valueOf("rewrite"), null));
        assertThrows(IllegalStateException.class, () -> messages().finishReply(ALICE, reply.id(), TextNode.valueOf("again"), null, null));
        assertThrows(NotFoundException.class, () -> messages().updateReply(ALICE, "msg_nope", TextNode.valueOf("x"), null));
        assertThrows(IllegalStateException.class, () -> messages().saveWork(ALICE, reply.id(), agents, null), "finished: it cannot change");
    }

    @Test void concurrentAppendsGetEveryOrdinalExactlyOnce() throws Exception {
        Conversation shared = conversations().create(ALICE, "busy", null, null);
        Conversation other = conversations().create(BOB, "also busy", null, null);
        int threads = 16, each = 20;
        List<Future<List<Message>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    List<Message> mine = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        mine.add(messages().append(ALICE, shared.id(), Role.USER, TextNode.valueOf(thread + "/" + i)));
                        if (i % 5 == 0) messages().append(BOB, other.id(), Role.USER, TextNode.valueOf("b"));
                        if (i % 3 == 0) conversations().list(ALICE, "busy", 10, null); // readers beside the writers
                    }
                    return mine;
                }));
            }
        }
        Set<Integer> acknowledged = new HashSet<>();
        for (Future<List<Message>> result : results) {
            for (Message m : result.get()) assertTrue(acknowledged.add(m.ordinal()), "ordinal handed out twice: " + m.ordinal());
        }
        List<Message> stored = messages().list(ALICE, shared.id());
        assertEquals(threads * each, stored.size());
        for (int i = 0; i < stored.size(); i++) assertEquals(i, stored.get(i).ordinal());
        assertEquals(stored.size(), stored.stream().map(Message::id).distinct().count());
        assertEquals(threads * each, acknowledged.size());
        assertEquals(threads * 4, messages().list(BOB, other.id()).size());
        int most = engine == TestEngine.SQLITE ? 1 + Database.SQLITE_READERS : Database.POSTGRESQL_CONNECTIONS;
        assertTrue(store.openConnections() <= most, store.openConnections() + " connections open");
    }

    // Keys

    @Test void keysAreStoredHashedAndAuthenticate() throws Exception {
        CreatedKey created = store.keys().create("laptop");
        String secret = created.secret();
        assertTrue(secret.matches("muse-[A-Za-z0-9_-]{43}"), secret);
        assertEquals(secret.substring(0, 13), created.key().prefix());
        assertFalse(created.toString().contains(secret));

        try (Connection raw = TestEngine.raw(config);
             PreparedStatement query = raw.prepareStatement("SELECT * FROM api_keys");
             ResultSet rows = query.executeQuery()) {
            assertTrue(rows.next());
            for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
                String value = rows.getString(column);
                if (value != null) assertFalse(value.contains(secret.substring(13)), "column " + rows.getMetaData().getColumnName(column));
            }
            assertEquals(ApiKeys.sha256Hex(secret), rows.getString("secret_sha256"));
            assertFalse(rows.next());
        }
        if (engine == TestEngine.SQLITE) {
            for (Path file : List.of(config.sqliteFile(), Path.of(config.sqliteFile() + "-wal"))) {
                if (Files.exists(file)) {
                    String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                    assertFalse(bytes.contains(secret.substring(13)), "secret in " + file);
                }
            }
        }

        ApiKey key = store.keys().authenticate(secret).orElseThrow();
        assertEquals(created.key().id(), key.id());
        assertEquals(key.id(), key.owner());
        assertNotNull(store.keys().list().getFirst().lastUsedAt(), "use is noted");
        char last = secret.charAt(secret.length() - 1);
        assertTrue(store.keys().authenticate(secret.substring(0, secret.length() - 1) + (last == 'A' ? 'B' : 'A')).isEmpty());
        assertTrue(store.keys().authenticate(created.key().prefix()).isEmpty());
        assertTrue(store.keys().authenticate(null).isEmpty());
        assertTrue(store.keys().authenticate(ApiKeys.sha256Hex(secret)).isEmpty(), "the stored hash is not a key");
    }

    @Test void revokedKeysStopWorkingAndStayListed() {
        CreatedKey first = store.keys().create("first");
        CreatedKey second = store.keys().create(null);
        assertTrue(store.keys().anyActive());
        assertEquals("unnamed", second.key().name());

        ApiKey revoked = store.keys().revoke(first.key().prefix());
        assertTrue(revoked.revoked());
        assertTrue(store.keys().authenticate(first.secret()).isEmpty());
        assertTrue(store.keys().authenticate(second.secret()).isPresent());
        assertEquals(revoked, store.keys().revoke(first.key().id()), "revoking again changes nothing");
        assertThrows(NotFoundException.class, () -> store.keys().revoke("key_nope"));

        List<ApiKey> listed = store.keys().list();
        assertEquals(List.of(first.key().id(), second.key().id()), listed.stream().map(ApiKey::id).toList());
        assertTrue(listed.get(0).revoked());
        assertFalse(listed.get(1).revoked());
        store.keys().revoke(second.key().id());
        assertFalse(store.keys().anyActive());
    }

    // Schema

    @Test void reopeningMigratesNothingAndKeepsData() throws Exception {
        Conversation c = conversations().create(ALICE, "survives", null, null);
        store.close();
        for (int i = 0; i < 2; i++) {
            try (Store again = Store.open(config)) {
                assertEquals(c, again.conversations().get(ALICE, c.id()).orElseThrow());
            }
        }
        try (Connection raw = TestEngine.raw(config)) {
            assertEquals(12, count(raw, "SELECT COUNT(*) FROM flyway_schema_history WHERE success = ?", true), "V1 to V12, each applied once");
        }
        store = Store.open(config); // for close()
    }

    static long count(Connection raw, String sql, Object parameter) throws SQLException {
        try (PreparedStatement query = raw.prepareStatement(sql)) {
            if (sql.contains("?")) query.setObject(1, parameter);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    static long count(Connection raw, String sql) throws SQLException { return count(raw, sql, null); }
}
