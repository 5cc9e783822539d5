package dev.muse.runtime;

import dev.muse.hub.ModelFiles;
import dev.muse.hub.ModelPaths;
import dev.muse.media.Audio;
import dev.muse.media.AudioDecoder;
import dev.muse.media.MediaException;
import dev.muse.media.Picture;
import dev.muse.models.Decoder;
import dev.muse.models.Embedder;
import dev.muse.models.silero.SileroVad;
import dev.muse.provenance.Verification;
import dev.muse.safety.GuardPrompt;
import dev.muse.safety.GuardVerdict;
import dev.muse.provenance.watermark.TextWatermark;
import dev.muse.runtime.CapabilityException.Capability;
import dev.muse.text.ChatMessage;
import dev.muse.text.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one way in to Muse's models: every edge (the HTTP server, the command line) asks here, with requests
 * that name a model, and gets back an {@link Event} stream or a result. The engine loads models on first use
 * (within a memory budget), renders chat templates, encodes images, checks the context window, and runs every
 * generation on the model's continuous-batching {@link Scheduler}.
 *
 * <p>Refusals are exceptions thrown before anything runs: {@link UnknownModelException},
 * {@link InsufficientMemoryException}, {@link ContextLengthException}, {@link CapabilityException}, and
 * {@link IllegalArgumentException} for input the model cannot read (a template beyond Muse's sandboxed
 * subset, an image that does not decode, a token id outside the vocabulary).
 */
public final class Engine implements AutoCloseable {
    /**
     * @param models            models given explicitly, offered first
     * @param cacheFolder       the model cache, whose every model is offered too (null: none)
     * @param memoryBudgetBytes resident models at most; idle ones are unloaded, least recently used first, beyond it
     * @param scheduler         per model: sequences at once, context window (at most the model's), rows per step
     */
    public record Config(List<ModelPaths> models, Path cacheFolder, long memoryBudgetBytes, Scheduler.Options scheduler, String speechModel,
                         Path vadModel, boolean watermarks) {
        /** With the first speech model on offer hearing audio in chats, and Silero VAD from the model cache when it is there. */
        public Config(List<ModelPaths> models, Path cacheFolder, long memoryBudgetBytes, Scheduler.Options scheduler) {
            this(models, cacheFolder, memoryBudgetBytes, scheduler, null, null);
        }

        /** With invisible watermarks in what the engine makes, as by default. */
        public Config(List<ModelPaths> models, Path cacheFolder, long memoryBudgetBytes, Scheduler.Options scheduler, String speechModel, Path vadModel) {
            this(models, cacheFolder, memoryBudgetBytes, scheduler, speechModel, vadModel, true);
        }
    }

    /** The embedding model that works offline with nothing pulled: all-MiniLM-L6-v2, carried on the classpath. */
    public static final String DEFAULT_EMBEDDER = "all-minilm-l6-v2";

    /** The voice activity detector's file name in the model cache (Silero VAD v5, from npm's @ricky0123/vad-web). */
    public static final String VAD_FILE = "silero_vad_v5.onnx";

    private final Residency residency;
    private final OwnTools ownTools = new OwnTools(this);
    private final Provenance provenance;
    private final ImageGuard imageGuard;
    private final BuiltInEmbedders builtInEmbedders = new BuiltInEmbedders();
    private final dev.muse.media.ImageDecoder imageDecoder = new dev.muse.media.ImageDecoder();
    private final String speechModel;
    private final Path vadModel;
    private SileroVad vad;
    /** Transcripts of audio heard in chats, by the SHA-256 of the file: a conversation sends its history again each turn. */
    private final Map<String, String> heardBefore = java.util.Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<String, String> eldest) { return size() > 256; }
    });

    public Engine(Config config) {
        this.residency = new Residency(config.models(), config.cacheFolder(), config.memoryBudgetBytes(), config.scheduler());
        this.provenance = new Provenance(ModelFiles.home().resolve("credentials"), config.watermarks());
        this.imageGuard = new ImageGuard(config.cacheFolder());
        this.speechModel = config.speechModel();
        this.vadModel = config.vadModel() != null ? config.vadModel()
                : config.cacheFolder() != null ? config.cacheFolder().resolve(VAD_FILE) : null;
    }

    /** The voice activity detector, loaded on first use; a CapabilityException when it is not installed. */
    private synchronized SileroVad vad() {
        if (vad == null) {
            if (vadModel == null || !Files.isRegularFile(vadModel))
                throw new CapabilityException("Skipping silence needs Silero VAD: put " + VAD_FILE + " (from npm @ricky0123/vad-web) in the model cache"
                        + (vadModel == null ? "" : " (" + vadModel + ")"), Capability.SPEECH_RECOGNITION, -1);
            try {
                vad = SileroVad.load(vadModel);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot read " + vadModel, e);
            }
        }
        return vad;
    }

    /** Every model on offer, loaded or not, and the embedding models Muse carries. */
    public List<ModelInfo> models() {
        List<ModelInfo> all = new ArrayList<>(residency.list().stream().map(Engine::describe).toList());
        for (String id : builtInEmbedders.ids())
            all.add(new ModelInfo(id, -1, 0, Set.of(ModelInfo.Modality.TEXT), Set.of(ModelInfo.Modality.EMBEDDING), Optional.empty()));
        return all;
    }

    public Optional<ModelInfo> model(String id) {
        return models().stream().filter(m -> m.id().equals(id)).findFirst();
    }

    /** The models in memory now. */
    public List<ModelInfo> resident() {
        List<ModelInfo> out = new ArrayList<>();
        for (LoadedModel m : residency.loaded()) out.add(describe(new Residency.Known(m.paths(), m.fileBytes(), m)));
        return out;
    }

    /** Loads a model now (unloading idle ones beyond the memory budget), so its first request does not wait for it. */
    public ModelInfo load(String id) {
        LoadedModel m = residency.acquire(id);
        return describe(new Residency.Known(m.paths(), m.fileBytes(), m));
    }

    /** The model cache whose files are offered besides the named models; null when there is none. */
    public Path cacheFolder() { return residency.cacheFolder(); }

    /** Unloads a model now (its running requests fail with "unloaded"); false when it was not loaded. */
    public boolean unload(String id) {
        return residency.unload(id);
    }

    /**
     * Answers a conversation with the model's chat template; images go where their messages have them. With
     * {@link ChatRequest#fitToContext()} the oldest turns that no longer fit are left out ({@link Generation#leftOutMessages()}).
     */
    public Generation chat(ChatRequest request) {
        LoadedModel model = residency.acquire(request.model());
        model.requireText("chat");
        List<String> heard = new ArrayList<>();
        request = hear(request, heard);
        return answer(model, request).withHeard(heard);
    }

    private Generation answer(LoadedModel model, ChatRequest request) {
        if (request.mode() == Mode.CONTEMPLATING) return contemplate(model, request);
        if (request.ownTools() != null) return useTools(model, request);
        ThoughtTags tags = model.text().thoughtTags();
        Integer budget = Mode.thoughtBudget(request.mode(), request.thoughtBudget());
        ToolCallFormat.Offer calls = toolCalls(model, request);
        GenerationOptions requested = request.options();
        if (calls != null && request.tools().mustCall()) { // the call is kept to the model's format and the parameters
            if (requested.grammar() != null) throw new IllegalArgumentException("a call that must be made cannot also keep a response format");
            requested = requested.withGrammar(calls.format().grammar(request.tools().offered(), request.tools().parallel()));
        }
        Fitted f = fit(model, request, requested, 0);
        return generate(model, f.prompt(), Choices.Openings.none(f.options().choices()), f.options(), false, f.leftOut(), tags, budget, calls);
    }

    /**
     * Contemplates: {@link ChatRequest#agentCount()} sub-agents think from the conversation in one batch, each from its own
     * perspective (a reasoning model's thought opened with it) and within the request's token limits, then the synthesis
     * answers from their conclusions with the request's own format and functions (see {@link Contemplation}), in at most
     * the tokens a thinking answer would have left after its thought budget.
     */
    private Generation contemplate(LoadedModel model, ChatRequest request) {
        if (request.options().choices() != 1) throw new IllegalArgumentException("contemplating writes one answer: ask for one choice (n = 1)");
        toolCalls(model, request); // a model that cannot call the functions offered is refused before the sub-agents start
        int n = request.agentCount();
        Tokenizer tokenizer = model.text().tokenizer();
        ThoughtTags tags = model.text().thoughtTags();
        GenerationOptions asked = request.options();
        GenerationOptions free = new GenerationOptions(asked.maxTokens(), asked.sampling(), List.of(), n, -1, null); // they think freely
        ChatRequest thinking = request.with(Mode.THINKING, request.messages(), free);
        List<String> perspectives = new ArrayList<>();
        for (int i = 0; i < n; i++) perspectives.add(Contemplation.perspective(i));
        // room for the longest opening, the thought's tag included (whether it goes in is known from the prompt's end)
        int longest = openings(perspectives, tokenizer, tags != null, tags != null).stream().mapToInt(o -> o.length).max().orElse(0);
        Fitted f = fit(model, thinking, free, longest);
        boolean openThought = tags != null && !tags.opensIn(f.prompt(), tokenizer); // else the template opened it already
        List<int[]> openings = openings(perspectives, tokenizer, openThought, tags != null);
        Choices agents = generate(model, f.prompt(), new Choices.Openings(openings, tags != null), f.options(), false, f.leftOut(), tags,
                Mode.thoughtBudget(Mode.THINKING, request.thoughtBudget()), null);
        // The synthesis has no thought of its own: it answers within what max tokens leaves after the thought budget.
        Integer budget = request.thoughtBudget();
        GenerationOptions answering = asked.maxTokens() != null && budget != null && asked.maxTokens() > budget
                ? asked.withMaxTokens(asked.maxTokens() - budget) : asked;
        int gist = Math.clamp(answering.maxTokens() != null ? answering.maxTokens() : Contemplation.MAX_GIST_TOKENS,
                Contemplation.MIN_GIST_TOKENS, Contemplation.MAX_GIST_TOKENS);
        // (the model is asked for again: one idle between the sub-agents and the answer may have been unloaded for another)
        return new Contemplation(agents, perspectives, conclusions -> answer(residency.acquire(request.model()),
                request.with(Mode.INSTANT, Contemplation.synthesisMessages(request.messages(), conclusions, tokenizer, gist), answering)));
    }

    /** Each perspective as the start of a sub-agent's text: after the thought's opening tag when {@code openThought}. */
    private static List<int[]> openings(List<String> perspectives, Tokenizer tokenizer, boolean openThought, boolean thinks) {
        return perspectives.stream().map(p -> tokenizer.encodeText((openThought ? Thoughts.OPEN + "\n" : "") + p + (thinks ? "\n" : " "), openThought)).toList();
    }

    /**
     * Answers with Muse's own tools on offer (those the request names whose model is on offer), running their calls
     * between rounds ({@link ToolUse}). A model whose template shows no way to call functions, or a request none of whose
     * tools can run, is answered without them, unless the request offers functions of its own (then refused as always).
     */
    private Generation useTools(LoadedModel model, ChatRequest request) {
        List<Tools.Function> own = ownTools.available(request.ownTools());
        ChatRequest plain = request.withRound(request.messages(), request.tools());
        if (request.options().choices() != 1) throw new IllegalArgumentException("with Muse's tools there is one answer: ask for one choice (n = 1)");
        if (own.isEmpty() || model.text().toolCalls() == null) return answer(model, plain);
        // each round asks for the model again: a tool's own model (a drawing's) may have unloaded it, idle, between rounds
        return new ToolUse(plain, own, ownTools, round -> answer(residency.acquire(request.model()), round));
    }

    /** A conversation's prompt and the options it is answered with, once fitted to the context. */
    private record Fitted(Prompt prompt, GenerationOptions options, int leftOut) {}

    /**
     * The conversation's prompt, leaving room for {@code reserved} more tokens after it (the sub-agents' openings). Without
     * {@link ChatRequest#fitToContext()} it is refused whole when too long; with it, its oldest turns are left out.
     */
    private static Fitted fit(LoadedModel model, ChatRequest request, GenerationOptions requested, int reserved) {
        List<ChatRequest.Message> messages = request.messages();
        int context = model.contextLength() - reserved;
        if (!request.fitToContext()) {
            model.text().checkFits(textBytes(messages), context);
            return new Fitted(chatPrompt(model, request, 0), requested, 0);
        }
        model.text().checkFits(textBytes(List.of(messages.getLast())), context); // the newest message must fit on its own
        Integer asked = requested.maxTokens();
        int answer = asked != null ? asked : Math.max(1, context / 4);
        int leftOut = ContextFit.leftOut(messages, leave -> chatPrompt(model, request, leave).length(), context - answer);
        Prompt prompt = chatPrompt(model, request, leftOut);
        GenerationOptions options = asked != null ? requested : requested.withMaxTokens(Math.max(1, Math.min(answer, context - prompt.length())));
        return new Fitted(prompt, options, leftOut);
    }

    /** The format the model calls functions in, when the request offers some; refused when its template shows none. */
    private static ToolCallFormat.Offer toolCalls(LoadedModel model, ChatRequest request) {
        if (request.tools() != null && request.tools().choice() == Tools.Choice.NAMED && request.tools().offered().isEmpty())
            throw new IllegalArgumentException("the function '" + request.tools().named() + "' that must be called is not among the tools");
        if (request.tools() == null || request.tools().offered().isEmpty()) return null;
        ToolCallFormat format = model.text().toolCalls();
        if (format == null)
            throw new CapabilityException("The model '" + model.id() + "' cannot call functions: its chat template shows no tool call format",
                    Capability.TOOL_CALLS, -1);
        return new ToolCallFormat.Offer(format, request.tools().offered().stream().map(Tools.Function::name).collect(java.util.stream.Collectors.toSet()));
    }

    /**
     * The request with each audio part replaced by the text the speech model heard in it (its stored transcript, when
     * it has one), each transcript added to {@code heard}. The speech model is the configured one, else the first on
     * offer; a turn with audio and no speech model is refused.
     */
    private ChatRequest hear(ChatRequest request, List<String> heard) {
        if (request.messages().stream().noneMatch(m -> m.content().stream().anyMatch(p -> p instanceof ChatRequest.Audio))) return request;
        List<ChatRequest.Message> messages = new ArrayList<>();
        for (int i = 0; i < request.messages().size(); i++) {
            ChatRequest.Message m = request.messages().get(i);
            List<ChatRequest.Part> parts = new ArrayList<>();
            for (ChatRequest.Part part : m.content()) {
                if (!(part instanceof ChatRequest.Audio audio)) {
                    parts.add(part);
                    continue;
                }
                String text = audio.heard() != null ? audio.heard() : transcript(audio.bytes(), i);
                heard.add(text);
                parts.add(new ChatRequest.Text(text));
            }
            messages.add(new ChatRequest.Message(m.role(), parts, m.toolCalls(), m.toolCallId()));
        }
        return request.with(request.mode(), messages, request.options());
    }

    private String transcript(byte[] audio, int message) {
        String key = java.util.HexFormat.of().formatHex(sha256(audio));
        String known = heardBefore.get(key);
        if (known != null) return known;
        String id = speechModel != null ? speechModel : models().stream().filter(m -> m.inputs().contains(ModelInfo.Modality.AUDIO))
                .map(ModelInfo::id).findFirst().orElseThrow(() -> new CapabilityException(
                        "No speech recognition model is installed to hear the audio (muse pull whisper-base)", Capability.SPEECH_RECOGNITION, message));
        Transcription started;
        try {
            started = transcribe(TranscriptionRequest.of(id, audio));
        } catch (IllegalArgumentException e) { // audio Muse cannot read
            throw new IllegalArgumentException("the audio in message " + message + " could not be heard: " + e.getMessage(), e);
        }
        try (Transcription t = started) {
            while (true) {
                switch (t.next()) {
                    case Event.Transcribed done -> {
                        heardBefore.put(key, done.text().strip());
                        return done.text().strip();
                    }
                    case Event.Error e -> throw new IllegalArgumentException("the audio in message " + message + " could not be heard: " + e.error().getMessage(), e.error());
                    default -> { }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hearing the audio", e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The prompt of the conversation without its {@code leftOut} oldest non-system messages. */
    private static Prompt chatPrompt(LoadedModel model, ChatRequest request, int leftOut) {
        List<ChatRequest.Message> kept = ContextFit.kept(request.messages(), leftOut);
        List<ChatMessage> messages = new ArrayList<>();
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            ChatRequest.Message m = kept.get(i);
            if (m.hasImages() && !model.seesImages())
                throw new CapabilityException("The model '" + model.id() + "' cannot take images; it reads text only", Capability.IMAGE_INPUT,
                        ContextFit.original(request.messages(), leftOut, i));
            StringBuilder text = new StringBuilder();
            for (ChatRequest.Part part : m.content()) {
                switch (part) {
                    case ChatRequest.Text t -> text.append(t.text());
                    case ChatRequest.Image image -> {
                        text.append(TextModel.IMAGE_MARKER);
                        images.add(image.bytes().get());
                    }
                    case ChatRequest.Audio audio -> throw new IllegalStateException("audio is heard before the prompt is built");
                }
            }
            messages.add(new ChatMessage(m.role(), text.toString(), m.toolCalls().stream().map(ChatRequest.ToolCall::asTemplateValue).toList(), m.toolCallId()));
        }
        Map<String, Object> variables = new HashMap<>(Mode.templateVariables(request.mode()));
        if (request.tools() != null && !request.tools().offered().isEmpty())
            variables.put("tools", request.tools().offered().stream().map(Tools.Function::asTemplateValue).toList());
        return model.text().chatPrompt(messages, variables, images, model.images());
    }

    private static long textBytes(List<ChatRequest.Message> messages) {
        long bytes = 0;
        for (ChatRequest.Message m : messages)
            for (ChatRequest.Part part : m.content()) if (part instanceof ChatRequest.Text t) bytes += utf8Length(t.text());
        return bytes;
    }

    /** Continues a prompt as it is. */
    public Generation complete(CompletionRequest request) {
        LoadedModel model = residency.acquire(request.model());
        Tokenizer tokenizer = model.requireText("continue text").tokenizer();
        int[] tokens = request.tokens();
        if (tokens == null) {
            model.text().checkFits(utf8Length(request.text()), model.contextLength());
            tokens = tokenizer.encode(request.text(), true, false);
            if (tokens.length == 0) throw new IllegalArgumentException("the prompt is empty and the model has no BOS token to start from");
        } else {
            checkTokens(tokens, model.text().model(), "prompt token ");
        }
        boolean startOfText = tokens.length == 1 && tokens[0] == tokenizer.vocabulary().bosId();
        return generate(model, Prompt.of(tokens), Choices.Openings.none(request.options().choices()), request.options(), startOfText, 0, null, null, null);
    }

    /**
     * What a guard model (Llama Guard 3) says of the last of {@code turns}: safe, or unsafe and which hazards, with the
     * model's probability of "unsafe". The prompt is Llama Guard's own ({@link dev.muse.safety.GuardPrompt}); a
     * conversation too long for the model's context is refused (ContextLengthException), never cut.
     */
    public GuardVerdict moderate(String guardModel, List<GuardPrompt.Turn> turns) throws InterruptedException {
        LoadedModel m = residency.acquire(guardModel);
        Tokenizer tokenizer = m.requireText("check content").tokenizer();
        int[] prompt = tokenizer.encode(GuardPrompt.of(turns, Guard.hazardsOf(m.id())), false, true);
        try (Generation g = complete(CompletionRequest.ofTokens(m.id(), prompt, Guard.OPTIONS))) {
            return Guard.verdict(g);
        }
    }

    /** The guard models on offer (Llama Guard, by their ids), first the one moderation uses when none is named. */
    public List<String> guardModels() {
        return residency.ids().stream().filter(Guard::isGuard).toList(); // asked on every screened chat: ids only
    }

    /**
     * One pooled, normalised vector per input, from a model that declares a pooling type (an embedding model) or one of
     * the embedding models Muse carries ({@link #DEFAULT_EMBEDDER}).
     */
    public EmbeddingRequest.Result embed(EmbeddingRequest request) {
        if (builtInEmbedders.offers(request.model())) return builtInEmbedders.embed(request);
        LoadedModel model = residency.acquire(request.model());
        Embedder lm = model.requireText("make embeddings").model().as(Embedder.class).orElseThrow(() -> new CapabilityException(
                "The model '" + model.id() + "' is not an embedding model (its GGUF declares no pooling_type)", Capability.EMBEDDINGS, -1));
        List<int[]> inputs = new ArrayList<>();
        for (int i = 0; i < request.inputs().size(); i++) {
            EmbeddingRequest.Input input = request.inputs().get(i);
            if (input.text() != null) model.text().checkFits(utf8Length(input.text()), lm.contextLength());
            int[] tokens = input.text() != null ? model.text().tokenizer().encode(input.text(), true, false) : input.tokens();
            if (input.tokens() != null) checkTokens(tokens, model.text().model(), "input " + i + ": token ");
            inputs.add(tokens);
        }
        List<float[]> vectors = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < inputs.size(); i++) {
            int[] tokens = inputs.get(i);
            if (tokens.length > lm.contextLength())
                throw new ContextLengthException("input " + i + " has " + tokens.length + " tokens; the model's context is " + lm.contextLength());
            total += tokens.length;
            vectors.add(lm.embed(tokens));
        }
        return new EmbeddingRequest.Result(vectors, total);
    }

    /**
     * Transcribes (or translates into English) a sound file with a speech recognition model. The audio is decoded
     * and checked here, so a file Muse cannot read is refused (an IllegalArgumentException saying why) before
     * anything runs; so is an option the model cannot follow (a language it does not know, a translation asked of
     * an English-only model), which the transcription reports as its {@link Event.Error}.
     */
    public Transcription transcribe(TranscriptionRequest request) {
        LoadedModel model = residency.acquire(request.model());
        if (!model.hearsSpeech())
            throw new CapabilityException("The model '" + model.id() + "' is not a speech recognition model: it cannot transcribe audio",
                    Capability.SPEECH_RECOGNITION, -1);
        Audio audio;
        try {
            audio = new AudioDecoder().decode(request.audio());
        } catch (MediaException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return model.speech().transcribe(model.id(), audio, request, request.skipSilence() ? vad() : null);
    }

    /**
     * Draws pictures of a prompt with an image generation model (a diffusers pipeline), or redraws an image (img2img,
     * inpainting with a mask). Sizes the model cannot draw, images that do not decode, and a model that does not draw are
     * refused before anything runs; the rest reports through the {@link Drawing}.
     */
    public Drawing draw(DrawRequest request) {
        return draw(request, null);
    }

    /**
     * Draws as {@link #draw(DrawRequest)}, every picture (previews too) screened by the image safety classifier under
     * {@code screen} (null: not screened); a CapabilityException when screening is asked and no classifier is installed.
     */
    public Drawing draw(DrawRequest request, ImageScreen screen) {
        if (screen != null) imageGuard.require();
        LoadedModel model = residency.acquire(request.model());
        if (!model.draws())
            throw new CapabilityException("The model '" + model.id() + "' does not draw pictures: use an image generation model (a diffusers pipeline folder)",
                    Capability.IMAGE_GENERATION, -1);
        byte[] input = request.edit() == null ? null : request.edit().image();
        return model.drawing().draw(model.id(), request, screen == null ? null : picture -> imageGuard.screen(picture, screen),
                new Provenance.Seal(provenance, model.id(), input));
    }

    /** The image safety classifier on offer (its id in the model cache), if one is installed. */
    public Optional<String> imageGuardModel() {
        return imageGuard.model();
    }

    /**
     * What the image safety classifier finds in an image file (PNG, JPEG, WebP, ...); an IllegalArgumentException for a
     * file that is not a picture Muse reads, a CapabilityException when no classifier is installed.
     */
    public ImageVerdict moderateImage(byte[] file) {
        imageGuard.require();
        Picture picture;
        try {
            picture = imageDecoder.decode(file);
        } catch (MediaException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return imageGuard.check(picture);
    }

    /**
     * Says a text aloud with a speech synthesis model (Kokoro): the text is phonemized and cut into pieces of about a
     * sentence here, so a voice that does not exist, a language Muse cannot phonemize and a text with nothing to say are
     * refused before anything runs; the pieces then report through the {@link Speaking} as each is made.
     */
    public Speaking speak(SpeechRequest request) {
        return requireVoice(request.model()).voice().speak(request.model(), request, new Provenance.Seal(provenance, request.model(), null));
    }

    /**
     * What a file's content credentials say, checked: trusted when signed by this installation (or a root its operator
     * lists in {@code credentials/trusted.pem}); a file without any is reported as such.
     */
    public Verification verify(byte[] file) {
        return provenance.verify(file);
    }

    /**
     * Whether {@code text} was written with this installation's text watermark, as {@code model}'s tokenizer reads it
     * (the detector needs the key and the tokenizer, not the model): the distinct token pairs scored, the green ones, the
     * z-score, and whether it passes the threshold.
     */
    public TextWatermark.Detection detectWatermark(String model, String text) {
        LoadedModel m = residency.acquire(model);
        if (m.text() == null) throw new CapabilityException("The model '" + m.id() + "' does not write text: its tokenizer cannot read a text watermark", Capability.TEXT_GENERATION, -1);
        return provenance.text().detect(m.text().tokenizer().encode(text, false));
    }

    /** This installation's root certificate (PEM), for verifiers elsewhere to trust what it signs. */
    public String credentialsRoot() {
        return provenance.root();
    }

    /** The voices a speech synthesis model has, by name, and the one it says text in when none is asked for. */
    public record Voices(List<String> names, String defaultVoice) {}

    public Voices voices(String model) {
        VoiceModel voice = requireVoice(model).voice();
        return new Voices(voice.voices(), voice.voiceName(null));
    }

    private LoadedModel requireVoice(String id) {
        LoadedModel model = residency.acquire(id);
        if (!model.speaks())
            throw new CapabilityException("The model '" + model.id() + "' does not speak: use a speech synthesis model (a Kokoro folder: muse pull kokoro)",
                    Capability.SPEECH_SYNTHESIS, -1);
        return model;
    }

    /** Unloads every model. */
    @Override public void close() {
        residency.close();
    }

    /**
     * Checks the context window and starts every choice; nothing is truncated to make room. A chat with a reasoning model
     * ({@code tags}) reports its thought apart from its answer (closed after {@code thoughtBudget} tokens, when given); a
     * continued text ({@code tags} null) is all answer.
     */
    private Choices generate(LoadedModel model, Prompt prompt, Choices.Openings openings, GenerationOptions options, boolean startOfText,
                                    int leftOut, ThoughtTags tags, Integer thoughtBudget, ToolCallFormat.Offer calls) {
        int context = model.contextLength();
        int length = prompt.length() + openings.tokens().stream().mapToInt(t -> t.length).max().orElse(0);
        Integer asked = options.maxTokens();
        if (length >= context || asked != null && length + asked > context)
            throw ContextLengthException.of(context, length, asked);
        int maxTokens = asked != null ? asked : context - length;
        if (options.grammar() != null) tags = null; // the whole text is the grammar's: no thought to separate or close
        return new Choices(model.scheduler(), prompt, openings, model.text().tokenizer(), options, maxTokens, startOfText, leftOut, tags,
                thoughtBudget, calls, options.watermark() ? provenance.text() : null);
    }

    /** Bytes of {@code s} in UTF-8, counted without encoding it. */
    private static long utf8Length(String s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3; // a surrogate pair is 4 bytes together
        }
        return bytes;
    }

    private static void checkTokens(int[] tokens, Decoder model, String what) {
        int vocab = model.vocabularySize();
        for (int i = 0; i < tokens.length; i++)
            if (tokens[i] < 0 || tokens[i] >= vocab)
                throw new IllegalArgumentException(what + i + " (" + tokens[i] + ") is not a token id of this model (0.." + (vocab - 1) + ")");
    }

    private static ModelInfo describe(Residency.Known k) {
        ModelPaths paths = k.paths();
        Set<ModelInfo.Modality> inputs = EnumSet.of(ModelFiles.isSpeech(paths.model()) ? ModelInfo.Modality.AUDIO : ModelInfo.Modality.TEXT);
        if (paths.projector() != null) inputs.add(ModelInfo.Modality.IMAGE);
        boolean draws = ModelFiles.isPipeline(paths.model()), speaks = ModelFiles.isVoiceFolder(paths.model());
        Set<ModelInfo.Modality> outputs = EnumSet.of(draws ? ModelInfo.Modality.IMAGE : speaks ? ModelInfo.Modality.AUDIO : ModelInfo.Modality.TEXT);
        long modified;
        try {
            modified = Files.getLastModifiedTime(paths.model()).toMillis();
        } catch (IOException e) {
            modified = 0;
        }
        LoadedModel l = k.loaded();
        Optional<ModelInfo.Resident> resident = l == null ? Optional.empty()
                : l.hearsSpeech() ? Optional.of(new ModelInfo.Resident(l.speech().architecture(), 0, 1, l.residentBytes(), false,
                        new Scheduler.Stats(0, l.busy() ? 1 : 0, 0, 0, 0, 0, 0, 0, 0)))
                : l.draws() || l.speaks() ? Optional.of(new ModelInfo.Resident(l.draws() ? "stable-diffusion" : "kokoro", 0, 1, l.residentBytes(), false,
                        new Scheduler.Stats(0, l.busy() ? 1 : 0, 0, 0, 0, 0, 0, 0, 0)))
                : Optional.of(new ModelInfo.Resident(l.text().model().architecture(), l.contextLength(), l.scheduler().options().maxSequences(),
                        l.residentBytes(), l.text().hasChatTemplate(), l.scheduler().stats()));
        return new ModelInfo(paths.id(), k.fileBytes(), modified, Set.copyOf(inputs), Set.copyOf(outputs), resident);
    }
}
