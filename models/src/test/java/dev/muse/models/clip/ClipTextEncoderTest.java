package dev.muse.models.clip;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Ops;
import dev.muse.formats.FormatException;
import dev.muse.testkit.TinyClipText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A text_encoder folder that is not what it should be gets a clear error, and bad ids are refused before any work. */
class ClipTextEncoderTest {
    @TempDir Path dir;

    private Path folder() throws IOException {
        return new TinyClipText(TinyClipText.Shape.SD1, GgmlType.F32, 1).write(dir.resolve("text_encoder"));
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        Path folder = folder();
        Files.delete(folder.resolve("model.safetensors"));
        assertTrue(assertThrows(FormatException.class, () -> ClipTextEncoder.load(folder, Ops.cpu())).getMessage().contains("model.safetensors"));
        Files.delete(folder.resolve("config.json"));
        assertTrue(assertThrows(FormatException.class, () -> ClipTextEncoder.load(folder, Ops.cpu())).getMessage().contains("config.json is missing"));
    }

    @Test
    void aConfigThatDisagreesWithTheWeightsIsRefused() throws IOException {
        Path folder = folder();
        Path config = folder.resolve("config.json");
        String original = Files.readString(config);
        Files.writeString(config, original.replace("\"hidden_size\": 64", "\"hidden_size\": 128"));
        assertTrue(assertThrows(FormatException.class, () -> ClipTextEncoder.load(folder, Ops.cpu())).getMessage().contains("token_embedding"));
        Files.writeString(config, original.replace("\"num_hidden_layers\": 3", "\"num_hidden_layers\": 4"));
        assertThrows(FormatException.class, () -> ClipTextEncoder.load(folder, Ops.cpu()));
        Files.writeString(config, original.replace("quick_gelu", "relu"));
        assertTrue(assertThrows(FormatException.class, () -> ClipTextEncoder.load(folder, Ops.cpu())).getMessage().contains("hidden_act relu"));
        Files.writeString(config, original.replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 5"));
        assertThrows(FormatException.class, () -> ClipTextEncoder.load(folder, Ops.cpu()));
        Files.writeString(config, original.replace("\"vocab_size\": 49408", "\"vocab_size\": \"many\""));
        assertTrue(assertThrows(FormatException.class, () -> ClipTextEncoder.load(folder, Ops.cpu())).getMessage().contains("vocab_size should be an integer"));
    }

    @Test
    void idsOutsideTheVocabularyOrContextAreRefused() throws IOException {
        try (ClipTextEncoder encoder = ClipTextEncoder.load(folder(), Ops.cpu())) {
            assertThrows(IllegalArgumentException.class, () -> encoder.encode(new int[] {49406, 49408}, 49407));
            assertThrows(IllegalArgumentException.class, () -> encoder.encode(new int[] {-1}, 49407));
            assertThrows(IllegalArgumentException.class, () -> encoder.encode(new int[78], 49407));
            assertThrows(IllegalArgumentException.class, () -> encoder.encode(new int[0], 49407));
        }
    }
}
