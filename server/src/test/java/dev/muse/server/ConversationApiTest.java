package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConversationApiTest {
    @TempDir Path dir;

    @Test
    void aConversationGrowsTurnByTurnAndReusesItsCachedPrefix() throws Exception {
        try (TestServer s = new TestServer(dir)) {
            JsonNode c = TestServer.json(s.post("/v1/conversations", "{\"title\":\"Stories\",\"model\":\"tiny-chat\",\"settings\":{\"temperature\":0}}"));
            String id = c.get("id").asText();
            assertEquals("Stories", c.get("title").asText());
            JsonNode first = TestServer.json(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\",\"conversation_id\":\"" + id
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about dragons\"}],\"max_tokens\":8,\"temperature\":0}"));
            String answer = first.get("choices").get(0).get("message").get("content").asText();
            JsonNode second = TestServer.json(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\",\"conversation_id\":\"" + id
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"And knights?\"}],\"max_tokens\":8,\"temperature\":0}"));
            assertTrue(second.get("usage").get("prompt_tokens").asInt() > first.get("usage").get("prompt_tokens").asInt(), "the history is in the prompt");
            assertTrue(second.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt() >= first.get("usage").get("prompt_tokens").asInt(),
                    "the second turn reuses the first turn's KV cache: " + second.get("usage"));

            JsonNode stored = TestServer.json(s.get("/v1/conversations/" + id));
            JsonNode messages = stored.get("messages");
            assertEquals(4, messages.size());
            assertEquals("user", messages.get(0).get("role").asText());
            assertEquals("Tell me about dragons", messages.get(0).get("content").asText());
            assertEquals(answer, messages.get(1).get("content").asText());
            assertEquals("complete", messages.get(1).get("status").asText());
            assertEquals(8, messages.get(1).get("usage").get("completion_tokens").asInt());

            assertEquals(1, TestServer.json(s.get("/v1/conversations?search=KNIGHTS")).get("data").size());
            assertEquals(0, TestServer.json(s.get("/v1/conversations?search=unicorns")).get("data").size());
            var patch = s.http.send(HttpRequest.newBuilder(URI.create(s.base() + "/v1/conversations/" + id))
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"title\":\"Dragons and knights\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("Dragons and knights", TestServer.json(patch).get("title").asText());
            var delete = s.http.send(HttpRequest.newBuilder(URI.create(s.base() + "/v1/conversations/" + id)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(TestServer.json(delete).get("deleted").asBoolean());
            OpenAiApiTest.assertError(s.get("/v1/conversations/" + id), 404, null, "not_found");
            OpenAiApiTest.assertError(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\",\"conversation_id\":\"" + id
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 404, null, "not_found");
        }
    }

    @Test
    void theSystemPromptSettingLeadsEveryTurnAndTruncateRewinds() throws Exception {
        try (TestServer s = new TestServer(dir)) {
            String plain = TestServer.json(s.post("/v1/conversations", "{\"title\":\"plain\"}")).get("id").asText();
            String terse = TestServer.json(s.post("/v1/conversations", "{\"title\":\"terse\",\"settings\":{\"system_prompt\":\"Answer in one word.\"}}"))
                    .get("id").asText();
            String turn = "\"messages\":[{\"role\":\"user\",\"content\":\"Name a colour\"}],\"max_tokens\":2,\"temperature\":0}";
            int withoutSystem = TestServer.json(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\",\"conversation_id\":\"" + plain + "\"," + turn))
                    .get("usage").get("prompt_tokens").asInt();
            int withSystem = TestServer.json(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\",\"conversation_id\":\"" + terse + "\"," + turn))
                    .get("usage").get("prompt_tokens").asInt();
            assertTrue(withSystem > withoutSystem + 4, "the system prompt is in the prompt: " + withSystem + " vs " + withoutSystem);
            JsonNode stored = TestServer.json(s.get("/v1/conversations/" + terse)).get("messages");
            assertEquals(2, stored.size(), "the system prompt is a setting, not a stored message");

            String second = TestServer.json(s.post("/v1/conversations/" + terse + "/messages", "{\"role\":\"user\",\"content\":\"And another\"}")).get("id").asText();
            OpenAiApiTest.assertError(s.send("DELETE", "/v1/conversations/" + plain + "/messages/" + second, null, null), 404, null, "not_found");
            JsonNode rewound = TestServer.json(s.send("DELETE", "/v1/conversations/" + terse + "/messages/" + stored.get(1).get("id").asText(), null, null));
            assertEquals(2, rewound.get("deleted").asInt(), "the reply and the turn after it");
            JsonNode left = TestServer.json(s.get("/v1/conversations/" + terse)).get("messages");
            assertEquals(1, left.size());
            assertEquals("Name a colour", left.get(0).get("content").asText());
        }
    }

    @Test
    void withKeysEachOwnerSeesOnlyTheirOwnConversations() throws Exception {
        try (TestServer s = new TestServer(dir, true)) {
            String alice = s.store.keys().create("alice").secret(), bob = s.store.keys().create("bob").secret();
            OpenAiApiTest.assertError(s.send("GET", "/v1/models", null, null), 401, null, "invalid_api_key");
            OpenAiApiTest.assertError(s.send("GET", "/v1/models", null, "muse-not-a-real-key"), 401, null, "invalid_api_key");
            assertEquals(200, s.send("GET", "/health", null, null).statusCode(), "health needs no key");
            String id = TestServer.json(s.send("POST", "/v1/conversations", "{\"title\":\"secret plans\"}", alice)).get("id").asText();
            assertEquals(200, s.send("GET", "/v1/conversations/" + id, null, alice).statusCode());
            OpenAiApiTest.assertError(s.send("GET", "/v1/conversations/" + id, null, bob), 404, null, "not_found");
            OpenAiApiTest.assertError(s.send("DELETE", "/v1/conversations/" + id, null, bob), 404, null, "not_found");
            OpenAiApiTest.assertError(s.send("PATCH", "/v1/conversations/" + id, "{\"title\":\"mine now\"}", bob), 404, null, "not_found");
            OpenAiApiTest.assertError(s.send("POST", "/v1/chat/completions", "{\"model\":\"tiny-chat\",\"conversation_id\":\"" + id
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}", bob), 404, null, "not_found");
            assertEquals(0, TestServer.json(s.send("GET", "/v1/conversations", null, bob)).get("data").size());
            assertEquals(1, TestServer.json(s.send("GET", "/v1/conversations", null, alice)).get("data").size());
            s.store.keys().revoke(s.store.keys().list().getFirst().prefix());
            OpenAiApiTest.assertError(s.send("GET", "/v1/conversations", null, alice), 401, null, "invalid_api_key");
        }
    }

    @Test
    void unloadingAModelNeedsAnAdminKey() throws Exception {
        try (TestServer s = new TestServer(dir, true)) {
            String user = s.store.keys().create("user").secret(), admin = s.store.keys().create("ops", true).secret();
            assertEquals(200, s.send("POST", "/v1/completions", "{\"model\":\"tiny-chat\",\"prompt\":\"a\",\"max_tokens\":1}", user).statusCode());
            OpenAiApiTest.assertError(s.send("POST", "/v1/models/tiny-chat/unload", "", user), 403, null, "insufficient_permissions");
            assertTrue(TestServer.json(s.send("GET", "/v1/models/tiny-chat", null, user)).get("loaded").asBoolean(), "still loaded");
            var r = s.send("POST", "/v1/models/tiny-chat/unload", "", admin);
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(TestServer.json(r).get("unloaded").asBoolean());
        }
    }

    @Test
    void aConversationLongerThanTheContextGoesOnWithoutItsOldestTurns() throws Exception {
        try (TestServer s = new TestServer(dir)) {
            String id = TestServer.json(s.post("/v1/conversations", "{\"title\":\"long\"}")).get("id").asText();
            String words = "the little dog ran to the big red house and back again ".repeat(12);
            for (int i = 0; i < 40; i++)
                assertEquals(201, s.post("/v1/conversations/" + id + "/messages", "{\"role\":\"" + (i % 2 == 0 ? "user" : "assistant")
                        + "\",\"content\":\"" + i + " " + words + "\"}").statusCode());
            var r = s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\",\"conversation_id\":\"" + id
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"and then?\"}],\"max_tokens\":8,\"temperature\":0}");
            assertEquals(200, r.statusCode(), r.body());
            var usage = TestServer.json(r).get("usage");
            int leftOut = usage.get("left_out_messages").asInt();
            assertTrue(leftOut > 0 && leftOut < 40, usage.toString());
            assertTrue(usage.get("prompt_tokens").asInt() + 8 <= TestServer.CONTEXT, usage.toString());
            var messages = TestServer.json(s.get("/v1/conversations/" + id)).get("messages");
            assertEquals(42, messages.size(), "nothing stored was dropped: only left out of the prompt");
            assertEquals(leftOut, messages.get(41).get("usage").get("left_out_messages").asInt(), "the reply records it");
            // without a conversation, the same history is refused rather than cut
            OpenAiApiTest.assertError(s.post("/v1/chat/completions", "{\"model\":\"tiny-chat\",\"messages\":[{\"role\":\"user\",\"content\":\""
                    + words.repeat(40) + "\"}],\"max_tokens\":8}"), 400, "messages", "context_length_exceeded");
        }
    }
}
