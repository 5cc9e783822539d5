package dev.muse.runtime;

import dev.muse.formats.gguf.GgufFile;
import dev.muse.models.LanguageModel;
import dev.muse.models.Models;
import dev.muse.text.ChatMessage;
import dev.muse.text.Tokenizer;
import dev.muse.text.template.ChatTemplate;
import dev.muse.text.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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

    /** The GGUF key holding the model's own Jinja chat template. */
    public static final String CHAT_TEMPLATE = "tokenizer.chat_template";

    /**
     * Renders a conversation with the model's chat template (our sandboxed Jinja subset) and tokenizes it,
     * special tokens included. BOS is added only when the template did not already write it.
     */
    public int[] chatPrompt(List<ChatMessage> messages) {
        String source = file.metadata().getString(CHAT_TEMPLATE, null);
        if (source == null) throw new IllegalArgumentException(file.path().getFileName() + " has no chat template (" + CHAT_TEMPLATE + ")");
        Vocabulary v = tokenizer.vocabulary();
        String bos = v.bosId() >= 0 ? v.token(v.bosId()) : "", eos = v.eosId() >= 0 ? v.token(v.eosId()) : "";
        String text = ChatTemplate.parse(source).render(messages, true, bos, eos, Map.of());
        boolean templateWroteBos = !bos.isEmpty() && text.startsWith(bos);
        return tokenizer.encode(text, !templateWroteBos, true);
    }

    @Override public void close() {
        file.close();
    }
}
