package dev.muse.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.GgmlType;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.muse.hub.ModelPaths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResidencyTest {
    @TempDir Path dir;

    @Test
    void modelsLoadOnFirstUseAndTheLeastRecentlyUsedIdleOneMakesRoom() throws Exception {
        Path cache = Files.createDirectories(dir.resolve("models"));
        Path a = new TinyModel(TinyFamily.LLAMA2, GgmlType.F32, 1).write(cache.resolve("a.gguf"));
        Path b = new TinyModel(TinyFamily.LLAMA2, GgmlType.F32, 2).write(cache.resolve("b.gguf"));
        Path c = new TinyModel(TinyFamily.LLAMA2, GgmlType.F32, 3).write(dir.resolve("c-elsewhere.gguf"));
        long size = Files.size(a);
        // Room for two models (plus their small KV caches), not three.
        try (Residency residency = new Residency(List.of(new ModelPaths("c", c, null)), cache, 2 * size + size / 2, new Scheduler.Options(2, 64, 16))) {
            assertEquals(List.of("c", "a", "b"), residency.list().stream().map(k -> k.paths().id()).toList());
            assertTrue(residency.loaded().isEmpty(), "nothing loads before it is used");
            LoadedModel la = residency.acquire("a");
            assertSame(la, residency.acquire("a"));
            residency.acquire("b");
            residency.acquire("a"); // a is now more recently used than b
            residency.acquire("c");
            assertEquals(java.util.Set.of("a", "c"), residency.loaded().stream().map(LoadedModel::id).collect(java.util.stream.Collectors.toSet()),
                    "b, the least recently used, made room");
            assertThrows(UnknownModelException.class, () -> residency.acquire("missing"));
            assertTrue(residency.unload("a"));
            assertFalse(residency.unload("a"));
            assertThrows(IllegalStateException.class, () -> la.scheduler().submit(new Sequence.Request(Prompt.of(new int[] {1}), 1,
                    dev.muse.text.Sampler.Settings.greedy(), t -> false, -1)), "an unloaded model takes no more work");
        }
    }

    @Test
    void aModelThatCannotFitIsRefusedWhileTheOthersAreBusy() throws Exception {
        Path cache = Files.createDirectories(dir.resolve("models"));
        Path a = new TinyModel(TinyFamily.LLAMA2, GgmlType.F32, 1).write(cache.resolve("a.gguf"));
        new TinyModel(TinyFamily.LLAMA2, GgmlType.F32, 2).write(cache.resolve("b.gguf"));
        try (Residency residency = new Residency(List.of(), cache, Files.size(a) + Files.size(a) / 2, new Scheduler.Options(1, 256, 16))) {
            LoadedModel la = residency.acquire("a");
            Sequence busy = la.scheduler().submit(new Sequence.Request(Prompt.of(new int[] {1}), 200, dev.muse.text.Sampler.Settings.greedy(), t -> false, -1));
            assertThrows(InsufficientMemoryException.class, () -> residency.acquire("b"));
            busy.cancel();
            while (!(busy.take() instanceof Sequence.Finished)) { }
            while (la.scheduler().busy()) Thread.sleep(5);
            assertEquals("b", residency.acquire("b").id(), "once idle, a makes room");
        }
    }
}
