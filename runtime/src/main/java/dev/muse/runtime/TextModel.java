package dev.muse.runtime;

import dev.muse.formats.gguf.GgufFile;
import dev.muse.models.LanguageModel;
import dev.muse.models.Models;
import dev.muse.text.Tokenizer;
import dev.muse.text.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;

/** A loaded text model: the mapped file, its forward pass and its tokenizer, closed together. */
public record TextModel(GgufFile file, LanguageModel model, Tokenizer tokenizer) implements AutoCloseable {
    public static TextModel open(Path path) throws IOException {
        GgufFile file = GgufFile.open(path);
        try {
            LanguageModel model = Models.load(file);
            Tokenizer tokenizer = Tokenizer.of(Vocabulary.fromMetadata(file.metadata()));
            return new TextModel(file, model, tokenizer);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    @Override public void close() {
        file.close();
    }
}
