package dev.muse.hub;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {
    @TempDir Path home;

    @BeforeEach
    void useTemporaryHome() { System.setProperty("muse.home", home.toString()); }

    @AfterEach
    void restoreHome() { System.clearProperty("muse.home"); }

    @Test
    void aliasesFindTheFileTheyPull() throws IOException {
        assertEquals(home.resolve("models"), ModelFiles.cache());
        var e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.resolve("stories260k"));
        assertTrue(e.getMessage().contains("muse pull stories260k"), e.getMessage());
        Path pulled = Files.write(Files.createDirectories(ModelFiles.cache()).resolve("stories260K.gguf"), new byte[] {1});
        assertEquals(pulled, ModelFiles.resolve("stories260k"));
        assertEquals(pulled, ModelFiles.resolve("stories260K"));
        assertThrows(IllegalArgumentException.class, () -> ModelFiles.resolve("../models/stories260K"));
    }

    @Test
    void whisperCppFilesAreSpeechModelsNamedAsTheyArePulled() throws IOException {
        var e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.resolve("whisper-base"));
        assertTrue(e.getMessage().contains("muse pull whisper-base"), e.getMessage());
        Path cache = Files.createDirectories(ModelFiles.cache());
        Path base = Files.write(cache.resolve("ggml-base.bin"), new byte[] {1});
        Path mine = Files.write(cache.resolve("ggml-my-tuned.en.bin"), new byte[] {1});
        Files.write(cache.resolve("notes.bin"), new byte[] {1});
        assertEquals(base, ModelFiles.resolve("whisper-base"), "through the alias");
        assertEquals(mine, ModelFiles.resolve("whisper-my-tuned.en"), "by the name it is offered under");
        assertEquals(java.util.List.of("whisper-base", "whisper-my-tuned.en"), java.util.List.copyOf(ModelFiles.inFolder(cache).keySet()));
        assertTrue(ModelFiles.isSpeech(base));
        assertFalse(ModelFiles.isSpeech(cache.resolve("notes.bin")));
    }
}
