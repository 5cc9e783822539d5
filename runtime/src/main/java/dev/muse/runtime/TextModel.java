package dev.muse.runtime;

import dev.muse.engine.Ops;
import dev.muse.formats.TensorSource;
import dev.muse.formats.detect.WeightFiles;
import dev.muse.models.Decoder;
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
 * A loaded text model: the mapped file, its decoder, its tokenizer and its chat template (parsed once), which
 * together turn a conversation into a {@link Prompt}.
 */
final class TextModel implements AutoCloseable {
    /** The GGUF key holding the model's own Jinja chat template. */
    static final String CHAT_TEMPLATE = "tokenizer.chat_template";

    /**
     * Stands for one image in a message's text, where the image was among its content parts. Random per
     * process, so text a user types can never pass for an image.
     */
    static final String IMAGE_MARKER = "<__muse_image_" + java.util.HexFormat.of().formatHex(randomBytes(12)) + "__>";

    /** From the non-blocking generator: SecureRandom.getSeed may wait for entropy, and this runs at class load. */
    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new java.security.SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private final TensorSource file;
    private final Ops ops;
    private final Decoder model;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    /** Bytes of the longest token's text: no token spells more, so a text of n bytes is at least n / this tokens. */
    private final int longestToken;        // null: the model has none (a base model) or ...
    private final TemplateException templateError; // ... its template is beyond our sandboxed Jinja subset
    private final ThoughtTags thoughtTags; // null: not a reasoning model
    private final ToolCallFormat toolCalls; // null: its template shows no way to call functions

    private TextModel(TensorSource file, Ops ops, Decoder model, Tokenizer tokenizer) {
        this.file = file;
        this.ops = ops;
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
        int longest = 1;
        for (int id = 0; id < tokenizer.vocabulary().size(); id++) longest = Math.max(longest, tokenizer.decodeBytes(id).length);
        this.longestToken = longest;
        this.thoughtTags = ThoughtTags.of(source, tokenizer);
        this.toolCalls = ToolCallFormat.of(source);
    }

    /** The model in the weight file at {@code path}, computing with {@code ops}. */
    static TextModel open(Path path, Ops ops) throws IOException {
        TensorSource file = WeightFiles.open(path);
        try {
            return of(file, ops, Models.decoder(file, ops));
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The text model of an open file whose decoder is loaded; it owns the file from here (closing it on failure too). */
    static TextModel of(TensorSource file, Ops ops, Decoder decoder) {
        try {
            return new TextModel(file, ops, decoder, Tokenizer.of(Vocabulary.fromMetadata(file.metadata())));
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The vision projector in {@code mmproj}, working for this model; refused when it was made for another. */
    ImageInput openProjector(Path mmproj) throws IOException {
        TensorSource projector = WeightFiles.open(mmproj);
        try {
            return new ImageInput(projector, Models.projector(projector, model, tokenizer, ops));
        } catch (RuntimeException e) {
            projector.close();
            throw e instanceof IllegalArgumentException ? new IllegalArgumentException(mmproj.getFileName() + ": " + e.getMessage(), e) : e;
        }
    }

    TensorSource file() { return file; }

    Decoder model() { return model; }

    Tokenizer tokenizer() { return tokenizer; }

    boolean hasChatTemplate() { return template != null || templateError != null; }

    /** How the model marks its thought, when its chat template makes it a reasoning model; else null. */
    ThoughtTags thoughtTags() { return thoughtTags; }

    /** How the model writes function calls, from its chat template; null when the template shows none. */
    ToolCallFormat toolCalls() { return toolCalls; }

    /**
     * Refuses, before it is tokenized, text too long to fit {@code context} tokens whatever its tokens are: an 8 MB
     * prompt took seconds of CPU and 4 GB of memory to tokenize only to be refused for its length.
     */
    void checkFits(long textBytes, int context) {
        if (textBytes > (long) context * longestToken)
            throw new ContextLengthException("The prompt is " + textBytes + " bytes long: at most " + longestToken + " bytes a token, that is more than "
                    + "this model's maximum context length of " + context + " tokens. Please reduce the length of the messages or prompt.");
    }

    /**
     * Renders a conversation with the model's chat template (our sandboxed Jinja subset) and tokenizes it,
     * special tokens included. BOS is added only when the template did not already write it. A model with
     * no template (a base model such as stories260K) gets the messages' contents joined by blank lines:
     * it simply continues the text.
     */
    int[] chatPrompt(List<ChatMessage> messages) {
        return chatPrompt(messages, Map.of(), List.of(), null).tokens();
    }

    /**
     * As {@link #chatPrompt(List)}, with template variables (such as Qwen3's {@code enable_thinking}), for
     * messages that may hold images: each {@link #IMAGE_MARKER} in their text stands for the next of
     * {@code images} (encoded image files), which {@code input} (the model's vision projector; null when it has
     * none) turns into prompt rows where the marker is. Text between markers is tokenized piece by piece, as
     * llama.cpp's mtmd does.
     */
    Prompt chatPrompt(List<ChatMessage> messages, Map<String, ?> templateVariables, List<byte[]> images, ImageInput input) {
        if (templateError != null)
            throw new IllegalArgumentException("the model's chat template cannot be rendered: " + templateError.getMessage());
        String text;
        boolean addBos = true;
        if (template == null) {
            text = messages.stream().map(ChatMessage::content).collect(Collectors.joining("\n\n"));
        } else {
            Vocabulary v = tokenizer.vocabulary();
            String bos = v.bosId() >= 0 ? v.token(v.bosId()) : "", eos = v.eosId() >= 0 ? v.token(v.eosId()) : "";
            text = template.render(messages, true, bos, eos, templateVariables);
            addBos = bos.isEmpty() || !text.startsWith(bos);
        }
        String[] pieces = text.split(java.util.regex.Pattern.quote(IMAGE_MARKER), -1);
        if (pieces.length - 1 != images.size())
            throw new IllegalStateException(images.size() + " images for " + (pieces.length - 1) + " image markers in the rendered prompt");
        if (!images.isEmpty() && input == null)
            throw new IllegalArgumentException("the model reads text only: it was not opened with a vision projector (mmproj)");
        PromptBuilder prompt = new PromptBuilder(model.embeddingLength());
        boolean parseSpecial = template != null; // a base model's text is the user's own: control tokens stay text
        for (int i = 0; i < pieces.length; i++) {
            prompt.tokens(tokenizer.encode(pieces[i], i == 0 && addBos, parseSpecial));
            if (i < images.size()) input.append(prompt, images.get(i));
        }
        return prompt.build();
    }

    @Override public void close() {
        file.close();
    }
}
