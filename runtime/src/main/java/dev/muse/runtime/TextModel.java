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
 * once), and, when it was opened with a vision projector (an mmproj file), what turns images into prompt
 * rows; all closed together.
 */
final class TextModel implements AutoCloseable {
    /** The GGUF key holding the model's own Jinja chat template. */
    public static final String CHAT_TEMPLATE = "tokenizer.chat_template";

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

    private final GgufFile file;
    private final LanguageModel model;
    private final Tokenizer tokenizer;
    private final VisionModel vision;           // null: the model reads text only
    private final ChatTemplate template;        // null: the model has none (a base model) or ...
    private final TemplateException templateError; // ... its template is beyond our sandboxed Jinja subset

    private TextModel(GgufFile file, LanguageModel model, Tokenizer tokenizer, VisionModel vision) {
        this.file = file;
        this.model = model;
        this.tokenizer = tokenizer;
        this.vision = vision;
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
        return open(path, null);
    }

    /** Opens a model with the vision projector in {@code mmproj} (null: text only). */
    public static TextModel open(Path path, Path mmproj) throws IOException {
        GgufFile file = GgufFile.open(path);
        VisionModel vision = null;
        try {
            LanguageModel model = Models.load(file);
            Tokenizer tokenizer = Tokenizer.of(Vocabulary.fromMetadata(file.metadata()));
            if (mmproj != null) vision = VisionModel.open(mmproj, model, tokenizer);
            return new TextModel(file, model, tokenizer, vision);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    public GgufFile file() { return file; }

    /** Bytes of the mapped files: the model's and its vision projector's. */
    public long fileBytes() { return file.size() + (vision != null ? vision.fileBytes() : 0); }

    public LanguageModel model() { return model; }

    public Tokenizer tokenizer() { return tokenizer; }

    /** Whether the model takes images (it was opened with a vision projector). */
    public boolean seesImages() { return vision != null; }

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
        return chatPrompt(messages, templateVariables, List.of()).tokens();
    }

    /**
     * As {@link #chatPrompt(List, Map)} for messages that hold images: each {@link #IMAGE_MARKER} in their
     * text stands for the next of {@code images} (encoded image files), which the vision projector turns
     * into prompt rows where the marker is. Text between markers is tokenized piece by piece, as llama.cpp's
     * mtmd does.
     */
    public Prompt chatPrompt(List<ChatMessage> messages, Map<String, ?> templateVariables, List<byte[]> images) {
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
        if (!images.isEmpty() && vision == null)
            throw new IllegalArgumentException("the model reads text only: it was not opened with a vision projector (mmproj)");
        PromptBuilder prompt = new PromptBuilder();
        boolean parseSpecial = template != null; // a base model's text is the user's own: control tokens stay text
        for (int i = 0; i < pieces.length; i++) {
            prompt.tokens(tokenizer.encode(pieces[i], i == 0 && addBos, parseSpecial));
            if (i < images.size()) vision.append(prompt, images.get(i));
        }
        return prompt.build();
    }

    @Override public void close() {
        try {
            if (vision != null) vision.close();
        } finally {
            file.close();
        }
    }
}
