package dev.muse.runtime;

import dev.muse.formats.gguf.GgufFile;
import dev.muse.models.LanguageModel;
import dev.muse.models.Models;
import dev.muse.text.ChatMessage;
import dev.muse.text.Tokenizer;
import dev.muse.text.Vocabulary;
import dev.muse.text.template.ChatTemplate;
import dev.muse.text.template.TemplateException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A loaded text model: the mapped file, its forward pass, its tokenizer and its chat template (parsed
 * once), closed together.
 */
public final class TextModel implements AutoCloseable {
    /** The GGUF key holding the model's own Jinja chat template. */
    public static final String CHAT_TEMPLATE = "tokenizer.chat_template";

    private final GgufFile file;
    private final LanguageModel model;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;        // null: the model has none (a base model) or ...
    private final TemplateException templateError; // ... its template is beyond our sandboxed Jinja subset

    private TextModel(GgufFile file, LanguageModel model, Tokenizer tokenizer) {
        this.file = file;
        this.model = model;
        this.tokenizer = tokenizer;
        String source = file.metadata().getString(CHAT_TEMPLATE, null);
        ChatTemplate parsed = null;
        TemplateException error = null;
        if (source != null) {
            try {
                parsed = ChatTemplate.parse(source);
            } catch (TemplateException e) {
                error = e;
            }
        }
        this.template = parsed;
        this.templateError = error;
    }

    public static TextModel open(Path path) throws IOException {
        GgufFile file = GgufFile.open(path);
        try {
            return new TextModel(file, Models.load(file), Tokenizer.of(Vocabulary.fromMetadata(file.metadata())));
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    public GgufFile file() { return file; }

    public LanguageModel model() { return model; }

    public Tokenizer tokenizer() { return tokenizer; }

    public boolean hasChatTemplate() { return template != null || templateError != null; }

    /**
     * Renders a conversation with the model's chat template (our sandboxed Jinja subset) and tokenizes it,
     * special tokens included. BOS is added only when the template did not already write it. A model with
     * no template (a base model such as stories260K) gets the messages' contents joined by blank lines:
     * it simply continues the text.
     */
    public int[] chatPrompt(List<ChatMessage> messages) {
        return chatPrompt(messages, Map.of());
    }

    /** As {@link #chatPrompt(List)}, with extra template variables (such as Qwen3's {@code enable_thinking}). */
    public int[] chatPrompt(List<ChatMessage> messages, Map<String, ?> templateVariables) {
        if (templateError != null)
            throw new IllegalArgumentException("the model's chat template cannot be rendered: " + templateError.getMessage());
        if (template == null)
            return tokenizer.encode(messages.stream().map(ChatMessage::content).collect(Collectors.joining("\n\n")), true, false);
        Vocabulary v = tokenizer.vocabulary();
        String bos = v.bosId() >= 0 ? v.token(v.bosId()) : "", eos = v.eosId() >= 0 ? v.token(v.eosId()) : "";
        String text = template.render(messages, true, bos, eos, templateVariables);
        boolean templateWroteBos = !bos.isEmpty() && text.startsWith(bos);
        return tokenizer.encode(text, !templateWroteBos, true);
    }

    @Override public void close() {
        file.close();
    }
}
