package dev.muse.hub;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.testkit.FakeHub;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The order {@link BundledModel#ensure()} looks in: the cache, then an offline folder, then the hub. */
class BundledModelTest {
    @TempDir Path cache;

    static ModelPuller puller(URI endpoint, Path cache) {
        return new ModelPuller(new HubSettings(endpoint, Optional.empty()), cache, DownloadProgress.silent());
    }

    static Path sharedModels() {
        Path folder = Path.of(System.getProperty("muse.shared", "../shared"), "models");
        assertTrue(Files.isDirectory(folder.resolve(BundledModel.NAME)), "golden data missing: " + folder.toAbsolutePath());
        return folder;
    }

    @Test
    void aModelInTheCacheIsUsedWithoutAskingAnyone() throws IOException {
        Path cached = Files.write(cache.resolve("stories260K.gguf"), new byte[] {1});
        try (FakeHub hub = FakeHub.start()) {
            assertEquals(cached, BundledModel.ensure(cache, List.of(sharedModels()), puller(hub.endpoint(), cache)));
            assertTrue(hub.requests().isEmpty());
        }
    }

    @Test
    void anOfflineFolderComesBeforeTheNetwork() throws IOException {
        try (FakeHub hub = FakeHub.start()) {
            Path model = BundledModel.ensure(cache, List.of(cache.resolve("no-such-folder"), sharedModels()), puller(hub.endpoint(), cache));
            assertEquals(cache.resolve("stories260K.gguf"), model);
            assertTrue(hub.requests().isEmpty(), "an air-gapped machine never waits on the hub");
            PullRecord record = PullRecord.read(cache, "stories260K.gguf").orElseThrow();
            assertTrue(record.origin().startsWith("import:") && record.origin().endsWith("stories260K.bin"), record.origin());
            assertEquals(PullRecord.sha256Of(model), record.sha256());
            assertFalse(Files.exists(cache.resolve("stories260K.gguf.import")));
        }
    }

    @Test
    void withNeitherItPullsThePinnedAliasAndSaysWhyWhenThatFails() throws IOException {
        try (FakeHub hub = FakeHub.start()) {
            // Not the real file (that would need the network): the pinned SHA-256 must refuse it.
            hub.serve("ggml-org/models-moved", "499bc8821c6b12b4e53c5bffcb21ec206f212d81", "tinyllamas/stories260K.gguf", new byte[1_185_376]);
            var e = assertThrows(PullException.class, () -> BundledModel.ensure(cache, List.of(), puller(hub.endpoint(), cache)));
            assertEquals("/ggml-org/models-moved/resolve/499bc8821c6b12b4e53c5bffcb21ec206f212d81/tinyllamas/stories260K.gguf",
                    hub.requests().getFirst().path());
            assertTrue(e.getMessage().contains("pulling it failed") && e.getMessage().contains("is pinned"), e.getMessage());
            assertFalse(Files.exists(cache.resolve("stories260K.gguf")));
        }
        var offline = assertThrows(PullException.class,
                () -> BundledModel.ensure(cache, List.of(), puller(URI.create("https://hub.muse-test.invalid"), cache)));
        assertTrue(offline.getMessage().contains("cannot reach") && offline.getMessage().contains("MUSE_OFFLINE_MODELS"), offline.getMessage());
    }
}
