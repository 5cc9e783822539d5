package dev.muse.studio;

import static org.junit.jupiter.api.Assertions.fail;

import dev.muse.engine.GgmlType;
import dev.muse.formats.llama2c.Llama2cImporter;
import dev.muse.runtime.Engine;
import dev.muse.runtime.Scheduler;
import dev.muse.server.MuseServer;
import dev.muse.server.store.ApiKey;
import dev.muse.server.store.Store;
import dev.muse.server.store.StoreConfig;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import dev.muse.testkit.TinyVision;
import dev.muse.testkit.TinyWhisper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code muse studio} runs, on a free loopback port, with the studio's files on the classpath and two
 * models: the bundled stories260K (a base model: it continues the text, so streamed stories are readable)
 * imported from the shared model folder, "tiny-chat", random weights behind a chat template whose long
 * greedy answers give a test time to press Stop, "tiny-vision", a tiny random SmolVLM with its vision
 * projector beside it (mmproj-tiny-vision.gguf), which takes images, and "whisper-tiny", a tiny random Whisper
 * that hears the microphone and spoken turns.
 */
final class StudioTestServer implements AutoCloseable {
    static final String STORIES = "stories260K", TINY_CHAT = "tiny-chat", TINY_VISION = "tiny-vision";
    /** A ChatML-style template; on this SentencePiece vocabulary its markers are plain text, which is all a test needs. */
    static final String TEMPLATE = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
            + "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";
    static final int CONTEXT = 2048;

    final MuseServer server;
    final Store store;

    /** With {@code requireKeys} the server behaves as when bound beyond loopback: every /v1 call needs a key of {@link #store}. */
    StudioTestServer(Path models, Path data, boolean requireKeys) { this(models, data, requireKeys, 0); }

    /** On a given port (0: a free one), for a restart on the port of a server that was stopped. */
    StudioTestServer(Path models, Path data, boolean requireKeys, int port) {
        this(models, data, requireKeys, port, 0);
    }

    /**
     * With {@code flaggedLength} above 0, chats are screened by a guard that stops every answer of that many characters or
     * more ({@link dev.muse.server.ScreenedServers}; the models folder needs a model named as a guard for it to run).
     */
    StudioTestServer(Path models, Path data, boolean requireKeys, int port, int flaggedLength) {
        Engine engine = new Engine(new Engine.Config(java.util.List.of(), models, 1L << 30, new Scheduler.Options(4, CONTEXT, 32)));
        store = Store.open(StoreConfig.sqlite(data.resolve("muse.db")));
        MuseServer.Config local = MuseServer.Config.local(0);
        MuseServer.Config config = new MuseServer.Config(local.host(), port, requireKeys, key -> store.keys().authenticate(key),
                local.maxBodyBytes(), local.maxTokens(), local.maxConcurrentPerKey(), local.requestsPerMinute(), false);
        server = flaggedLength > 0 ? dev.muse.server.ScreenedServers.start(config, engine, store, flaggedLength) : new MuseServer(config, engine, store);
    }

    /** Writes both models into {@code dir}; stories260K comes from {@code <muse.shared>/models}, which must exist. */
    static Path writeModels(Path dir) throws IOException {
        Path models = writeBundledModel(dir);
        new TinyModel(TinyFamily.LLAMA2, GgmlType.Q8_0, 31).write(models.resolve(TINY_CHAT + ".gguf"), m -> {
            m.putString("tokenizer.chat_template", TEMPLATE);
            m.putUInt32("llama.context_length", CONTEXT);
        });
        new TinyModel(TinyFamily.SMOLVLM, GgmlType.Q8_0, 41).write(models.resolve(TINY_VISION + ".gguf"), m -> {
            m.putString("tokenizer.chat_template", TEMPLATE);
            m.putUInt32("llama.context_length", CONTEXT);
        });
        new TinyVision(TinyVision.Tower.IDEFICS3, GgmlType.F16, 42).write(models.resolve("mmproj-" + TINY_VISION + ".gguf"));
        new TinyWhisper(TinyWhisper.Shape.TINY, GgmlType.Q8_0, 43).write(models.resolve("ggml-tiny.bin")); // offered as whisper-tiny
        Path vad = Path.of(System.getProperty("muse.silero", "../models/target/silero/silero_vad_v5.onnx"));
        if (!Files.isRegularFile(vad)) fail("Silero VAD missing at " + vad + " (the models module's build fetches it)");
        Files.copy(vad, models.resolve("silero_vad_v5.onnx"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return models;
    }

    /** Only the bundled stories260K in {@code dir}/models, as on a fresh install. */
    static Path writeBundledModel(Path dir) throws IOException {
        Path models = Files.createDirectories(dir.resolve("models"));
        Path shared = Path.of(System.getProperty("muse.shared", "../../shared"), "models", STORIES);
        Path checkpoint = shared.resolve("stories260K.bin"), tokenizer = shared.resolve("tok512.bin");
        if (!Files.isRegularFile(checkpoint) || !Files.isRegularFile(tokenizer))
            fail("the bundled model's checkpoint is missing: expected " + checkpoint + " and " + tokenizer
                    + " (the shared test data folder ../shared beside the checkout)");
        Llama2cImporter.convert(checkpoint, tokenizer, models.resolve(STORIES + ".gguf"), GgmlType.F32);
        return models;
    }

    String base() { return "http://127.0.0.1:" + server.port(); }

    @Override public void close() { server.close(); }
}
