package dev.muse.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.muse.engine.GgmlType;
import dev.muse.runtime.Engine;
import dev.muse.runtime.Scheduler;
import dev.muse.server.store.ApiKey;
import dev.muse.server.store.Store;
import dev.muse.server.store.StoreConfig;
import dev.muse.server.openai.Json;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A running server on a free loopback port with one tiny random-weight chat model, "tiny-chat". */
final class TestServer implements AutoCloseable {
    /** A ChatML-style template; on this SentencePiece vocabulary its markers are plain text, which is all a test needs. */
    static final String TEMPLATE = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
            + "{% if add_generation_prompt %}<|im_start|>assistant\n{% if enable_thinking is defined and not enable_thinking %}<think>\n\n</think>\n\n{% endif %}{% endif %}";

    static final int CONTEXT = 2048;

    final MuseServer server;
    final Store store;
    final Path model;
    final HttpClient http = HttpClient.newHttpClient();

    /** With {@code requireKeys}, callers need a key of this server's store (see {@link #store}). */
    TestServer(Path dir, boolean requireKeys) throws IOException { this(dir, requireKeys, 8, 600); }

    TestServer(Path dir, boolean requireKeys, int maxConcurrentPerKey, int requestsPerMinute) throws IOException {
        Path models = Files.createDirectories(dir.resolve("models"));
        model = new TinyModel(TinyFamily.LLAMA2, GgmlType.Q8_0, 31).write(models.resolve("tiny-chat.gguf"),
                m -> {
                    m.putString("tokenizer.chat_template", TEMPLATE);
                    m.putUInt32("llama.context_length", CONTEXT);
                });
        Engine engine = new Engine(new Engine.Config(List.of(), models, 1L << 30, new Scheduler.Options(4, CONTEXT, 64)));
        store = Store.open(StoreConfig.sqlite(dir.resolve("muse.db")));
        MuseServer.Config config = new MuseServer.Config("127.0.0.1", 0, requireKeys, key -> store.keys().authenticate(key),
                8 << 20, 8192, maxConcurrentPerKey, requestsPerMinute, false);
        server = new MuseServer(config, engine, store);
    }

    TestServer(Path dir) throws IOException { this(dir, false); }

    String base() { return "http://127.0.0.1:" + server.port(); }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request with {@code Authorization: Bearer key} (no header when key is null). */
    HttpResponse<String> send(String method, String path, String json, String key) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (key != null) b.header("Authorization", "Bearer " + key);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException { return Json.MAPPER.readTree(r.body()); }

    @Override public void close() { server.close(); }
}
