package dev.muse.models.llama;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.GgmlType;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.formats.llama2c.Llama2cImporter;
import dev.muse.models.SequenceState;
import dev.muse.models.Decoder;
import dev.muse.models.Models;
import dev.muse.text.Sampler;
import dev.muse.text.TokenDecoder;
import dev.muse.text.Tokenizer;
import dev.muse.text.Vocabulary;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real trained stories260K checkpoint, converted by our importer, must print its documented greedy sample. */
class Stories260kTest {
    static final String EXPECTED = """
            Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.
            Lily's mom said, "Lily, let's go to the park." Lily was sad and didn't know what to do. She said, "I want to play with your ball, but""";

    @TempDir Path dir;

    static Path modelFolder() {
        Path folder = Path.of(System.getProperty("muse.shared", "../shared"), "models", "stories260K");
        assertTrue(Files.isDirectory(folder), "golden data missing: " + folder.toAbsolutePath() + " (the shared test data must sit beside the checkout)");
        return folder;
    }

    @Test
    void greedyFromBosPrintsTheDocumentedStory() throws Exception {
        Path folder = modelFolder();
        Path gguf = dir.resolve("stories260K.gguf");
        Llama2cImporter.convert(folder.resolve("stories260K.bin"), folder.resolve("tok512.bin"), gguf, GgmlType.F32);
        try (GgufFile file = GgufFile.open(gguf)) {
            Decoder model = Models.decoder(file);
            Tokenizer tokenizer = Tokenizer.of(Vocabulary.fromMetadata(file.metadata()));
            SequenceState cache = model.newState(512);
            TokenDecoder decoder = new TokenDecoder(tokenizer, true);
            StringBuilder text = new StringBuilder();
            float[] logits = model.forward(cache, new int[] {tokenizer.vocabulary().bosId()});
            for (int step = 0; step < 120; step++) {
                int token = Sampler.argmax(logits);
                text.append(decoder.next(token));
                logits = model.forward(cache, new int[] {token});
            }
            assertEquals(EXPECTED, text.append(decoder.flush()).toString());
        }
    }
}
