package dev.muse.models;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Ops;
import dev.muse.formats.FormatException;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.media.Picture;
import dev.muse.testkit.GgufEdit;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import dev.muse.testkit.TinyVision;
import dev.muse.text.Tokenizer;
import dev.muse.text.Vocabulary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registries: architectures and projectors found by the names their files give, capabilities asked for, clear refusals. */
class ModelsTest {
    @TempDir Path dir;

    @Test
    void architecturesRegisterThemselvesAndOfferTheirCapabilities() throws Exception {
        Path gemma = new TinyModel(TinyFamily.GEMMA3, GgmlType.F32, 1).write(dir.resolve("gemma3.gguf"));
        try (GgufFile file = GgufFile.open(gemma)) {
            Model model = Models.load(file);
            assertEquals("gemma3", model.architecture());
            assertTrue(model.as(Decoder.class).isPresent());
            assertTrue(model.as(Embedder.class).isEmpty());
        }
        Path other = new TinyModel(TinyFamily.LLAMA2, GgmlType.F32, 1).write(dir.resolve("odd.gguf"),
                m -> m.putString("general.architecture", "mamba"));
        try (GgufFile file = GgufFile.open(other)) {
            FormatException e = assertThrows(FormatException.class, () -> Models.load(file));
            assertTrue(e.getMessage().contains("architecture 'mamba' is not supported (supported: gemma3, llama, mistral, qwen2, qwen3, whisper)"), e.getMessage());
        }
    }

    @Test
    void aProjectorLaysOutItsOwnPromptForItsDecoder() throws Exception {
        Path model = new TinyModel(TinyFamily.GEMMA3, GgmlType.F32, 41).write(dir.resolve("gemma3.gguf"));
        Path mmproj = new TinyVision(TinyVision.Tower.GEMMA3, GgmlType.F32, 42).write(dir.resolve("mmproj.gguf"));
        try (GgufFile text = GgufFile.open(model); GgufFile vision = GgufFile.open(mmproj)) {
            Decoder decoder = Models.decoder(text);
            Tokenizer tokenizer = Tokenizer.of(Vocabulary.fromMetadata(text.metadata()));
            ImageEncoder encoder = Models.projector(vision, decoder, tokenizer, Ops.cpu());
            List<Object> rows = new ArrayList<>();
            encoder.append(new Picture(40, 40, new byte[40 * 40 * 3]), new PromptSink() {
                @Override public void tokens(int... ids) { rows.add(tokenizer.decode(ids)); }

                @Override public void vectors(byte[] identity, boolean bidirectional, Supplier<float[]> encode) {
                    assertTrue(bidirectional, "Gemma 3 sees an image whole");
                    rows.add(encode.get().length / decoder.embeddingLength());
                }
            });
            assertEquals(List.of("<start_of_image>", 16, "<end_of_image>"), rows);
        }
    }

    @Test
    void aProjectorForAnotherModelOrOfAnUnknownTypeIsRefused() throws Exception {
        Path model = new TinyModel(TinyFamily.LLAMA2, GgmlType.F32, 1).write(dir.resolve("llama.gguf"));
        Path smolvlmTower = new TinyVision(TinyVision.Tower.IDEFICS3, GgmlType.F32, 1).write(dir.resolve("mmproj-smolvlm.gguf"));
        try (GgufFile text = GgufFile.open(model); GgufFile vision = GgufFile.open(smolvlmTower)) {
            Decoder decoder = Models.decoder(text);
            Tokenizer tokenizer = Tokenizer.of(Vocabulary.fromMetadata(text.metadata()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.projector(vision, decoder, tokenizer, Ops.cpu()));
            assertTrue(e.getMessage().contains("has no token <fake_token_around_image>"), e.getMessage());
        }
        Path unknown = new TinyVision(TinyVision.Tower.GEMMA3, GgmlType.F32, 1).write(dir.resolve("mmproj-x.gguf"));
        Path renamed = GgufEdit.rewrite(unknown, dir.resolve("mmproj-qwen2vl.gguf"), m -> m.putString("clip.projector_type", "qwen2vl"), t -> true);
        try (GgufFile text = GgufFile.open(model); GgufFile vision = GgufFile.open(renamed)) {
            FormatException e = assertThrows(FormatException.class,
                    () -> Models.projector(vision, Models.decoder(text), Tokenizer.of(Vocabulary.fromMetadata(text.metadata())), Ops.cpu()));
            assertTrue(e.getMessage().contains("vision projector type 'qwen2vl' is not supported (supported: gemma3, idefics3)"), e.getMessage());
        }
    }
}
