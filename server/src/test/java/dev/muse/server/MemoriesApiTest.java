package dev.muse.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory through the API: a preference stated in one chat is remembered and used in the next; the person lists, edits
 * and deletes memories; told to forget, the assistant forgets; nothing is remembered in a temporary chat or with memory
 * off; each key has its own.
 */
class MemoriesApiTest {
    @TempDir Path dir;

    static String chat(String text, String extra) {
        return "{\"model\": \"tiny-chat\", \"max_tokens\": 2, \"messages\": [{\"role\": \"user\", \"content\": \"" + text + "\"}]" + extra + "}";
    }

    @Test
    void aStatedPreferenceIsRememberedUsedAndForgotten() throws Exception {
        try (TestServer s = new TestServer(dir, true)) {
            String alice = s.store.keys().create("alice").secret(), bob = s.store.keys().create("bob").secret();
            JsonNode first = TestServer.json(s.send("POST", "/v1/chat/completions", chat("Remember that I prefer green tea to coffee.", ""), alice));
            JsonNode saved = first.get("muse_memory").get("saved");
            assertEquals("I prefer green tea to coffee.", saved.get("text").asText(), first.toString());

            JsonNode plain = TestServer.json(s.send("POST", "/v1/chat/completions", chat("What should I drink this morning?", ", \"muse_temporary\": true"), alice));
            JsonNode used = TestServer.json(s.send("POST", "/v1/chat/completions", chat("What should I drink this morning?", ""), alice));
            assertEquals(saved.get("id"), used.get("muse_memory").get("used").get(0).get("id"), used.toString());
            assertTrue(used.get("usage").get("prompt_tokens").asInt() > plain.get("usage").get("prompt_tokens").asInt() + 5, "the model read the memory");
            assertNull(plain.get("muse_memory"), "a temporary chat uses and keeps nothing");
            JsonNode unrelated = TestServer.json(s.send("POST", "/v1/chat/completions", chat("How many moons does Mars have?", ""), alice));
            assertNull(unrelated.get("muse_memory"), "only what is relevant is recalled: " + unrelated.get("muse_memory"));
            assertEquals(0, TestServer.json(s.send("GET", "/v1/memories", null, bob)).get("data").size(), "bob has his own");

            String id = saved.get("id").asText();
            JsonNode edited = TestServer.json(s.send("POST", "/v1/memories/" + id, "{\"text\": \"I prefer jasmine tea.\"}", alice));
            assertEquals("I prefer jasmine tea.", edited.get("text").asText());
            assertEquals(404, s.send("POST", "/v1/memories/" + id, "{\"text\": \"x\"}", bob).statusCode());
            JsonNode forgot = TestServer.json(s.send("POST", "/v1/chat/completions", chat("Forget that I prefer jasmine tea.", ""), alice));
            assertEquals(id, forgot.get("muse_memory").get("forgotten").get("id").asText(), forgot.toString());
            JsonNode after = TestServer.json(s.send("POST", "/v1/chat/completions", chat("What should I drink this morning?", ""), alice));
            assertNull(after.get("muse_memory"), "forgotten is gone: " + after.get("muse_memory"));
            assertEquals(0, TestServer.json(s.send("GET", "/v1/memories", null, alice)).get("data").size());

            assertNull(TestServer.json(s.send("POST", "/v1/chat/completions", chat("Remember when we met in Paris?", ""), alice)).get("muse_memory"),
                    "a question is not a fact to keep");
            JsonNode made = TestServer.json(s.send("POST", "/v1/memories", "{\"text\": \"My daughter is called Ada.\"}", alice));
            assertEquals(201, s.send("POST", "/v1/memories", "{\"text\": \"I live by the sea.\"}", alice).statusCode());
            assertTrue(TestServer.json(s.send("DELETE", "/v1/memories/" + made.get("id").asText(), null, alice)).get("deleted").asBoolean());
            assertEquals(404, s.send("DELETE", "/v1/memories/" + made.get("id").asText(), null, alice).statusCode());
            OpenAiApiTest.assertError(s.send("POST", "/v1/memories", "{\"text\": \"\"}", alice), 400, "text", "missing_required_parameter");

            JsonNode off = TestServer.json(s.send("POST", "/v1/memories/settings", "{\"enabled\": false}", alice));
            assertFalse(off.get("enabled").asBoolean());
            JsonNode ignored = TestServer.json(s.send("POST", "/v1/chat/completions", chat("Remember that I am allergic to nuts.", ""), alice));
            assertNull(ignored.get("muse_memory"), "with memory off nothing is remembered or recalled");
            assertEquals(1, TestServer.json(s.send("GET", "/v1/memories", null, alice)).get("data").size(), "only the sea is left");
            OpenAiApiTest.assertError(s.send("POST", "/v1/memories/settings", "{\"enabled\": \"no\"}", alice), 400, "enabled", null);
        }
    }
}
