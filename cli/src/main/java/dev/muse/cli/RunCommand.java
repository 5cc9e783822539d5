package dev.muse.cli;

import dev.muse.hub.ModelFiles;
import dev.muse.hub.ModelPaths;
import dev.muse.media.ImageLimits;
import dev.muse.runtime.ChatRequest;
import dev.muse.runtime.CompletionRequest;
import dev.muse.runtime.Engine;
import dev.muse.runtime.Event;
import dev.muse.runtime.Generation;
import dev.muse.runtime.GenerationOptions;
import dev.muse.runtime.Mode;
import dev.muse.runtime.OutputGrammar;
import dev.muse.runtime.Sampling;
import dev.muse.runtime.Scheduler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true, description = "Generate text from a model, streaming it to stdout.")
final class RunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "a .gguf file or a model name in the cache")
    String model;

    @Option(names = {"-p", "--prompt"}, description = "prompt text (default: start from BOS alone)")
    String prompt;

    @Option(names = "--chat", description = "treat the prompt as a user message and apply the model's chat template")
    boolean chat;

    @Option(names = "--mode", paramLabel = "MODE", converter = ModeConverter.class,
            description = "instant, thinking or contemplating (several sub-agents think in one batch, then one answer); implies --chat")
    Mode mode;

    @Option(names = "--tools", description = "let the model use Muse's own calculator, which Muse runs and answers on from (implies --chat; the model's "
            + "template must show a way to call functions)")
    boolean tools;

    @Option(names = "--agents", paramLabel = "N", description = "sub-agents of --mode contemplating (default " + ChatRequest.DEFAULT_AGENTS + ")")
    Integer agents;

    @Option(names = "--reasoning-budget", paramLabel = "N",
            description = "a reasoning model's thought is closed after N tokens, and it answers from there (default: as long as it thinks)")
    Integer reasoningBudget;

    @Option(names = "--system", description = "system message for --chat")
    String system;

    @Option(names = {"-n", "--max-tokens"}, defaultValue = "256", description = "tokens to generate at most (default ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.8", description = "0 = greedy (default ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--seed", description = "random seed; the same seed gives the same output (default: random, printed at the end)")
    Long seed;

    @Option(names = "--top-k", defaultValue = "40", description = "0 = off (default ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--top-p", defaultValue = "0.95", description = "1 = off (default ${DEFAULT-VALUE})")
    float topP;

    @Option(names = "--min-p", defaultValue = "0.05", description = "0 = off (default ${DEFAULT-VALUE})")
    float minP;

    @Option(names = "--repeat-penalty", defaultValue = "1.0", description = "1 = off (default ${DEFAULT-VALUE})")
    float repeatPenalty;

    @Option(names = "--presence-penalty", defaultValue = "0") float presencePenalty;

    @Option(names = "--frequency-penalty", defaultValue = "0") float frequencyPenalty;

    @Option(names = {"-c", "--context"}, defaultValue = "4096", description = "context length, at most the model's (default ${DEFAULT-VALUE})")
    int context;

    @Option(names = "--mmproj", paramLabel = "FILE", description = "the model's vision projector (llama.cpp's mmproj GGUF); default: mmproj-MODEL.gguf beside the model, if there")
    Path mmproj;

    @Option(names = "--text-watermark", description = "write the text with this installation's text watermark (muse verify --text finds it)")
    boolean textWatermark;

    @Option(names = "--json", description = "the answer is a JSON object (constrained decoding)")
    boolean json;

    @Option(names = "--json-schema", paramLabel = "FILE", description = "the answer is JSON that validates against the JSON schema in FILE")
    Path jsonSchema;

    @Option(names = "--grammar-file", paramLabel = "FILE", description = "the answer is a sentence of the GBNF grammar in FILE (llama.cpp's format)")
    Path grammarFile;

    @Option(names = "--image", paramLabel = "FILE", description = "an image (PNG, JPEG or WebP) to put before the prompt, in a chat turn (repeatable; needs a vision projector)")
    List<Path> images = List.of();

    @Override public Integer call() throws Exception {
        long actualSeed = seed != null ? seed : System.nanoTime();
        Path file = ModelFiles.resolve(model);
        Path projector = mmproj != null ? mmproj : ModelFiles.projectorBeside(file);
        if (!images.isEmpty() && projector == null)
            throw new IllegalArgumentException("--image needs the model's vision projector: give it with --mmproj FILE");
        ModelPaths paths = new ModelPaths(ModelFiles.idOf(file), file, images.isEmpty() ? null : projector);
        if (agents != null && mode != Mode.CONTEMPLATING) throw new IllegalArgumentException("--agents is for --mode contemplating");
        int sequences = mode == Mode.CONTEMPLATING ? (agents != null ? agents : ChatRequest.DEFAULT_AGENTS) : 1; // the sub-agents in one batch
        Engine.Config config = new Engine.Config(List.of(paths), null, Long.MAX_VALUE, new Scheduler.Options(sequences, context, context));
        GenerationOptions options = GenerationOptions.of(maxTokens,
                new Sampling(temperature, topK, topP, minP, repeatPenalty, presencePenalty, frequencyPenalty, actualSeed)).withGrammar(grammar())
                .withWatermark(textWatermark);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        try (Engine engine = new Engine(config); Generation generation = chat || mode != null || tools || !images.isEmpty()
                ? engine.chat(new ChatRequest(paths.id(), messages(), mode, options).withThoughtBudget(reasoningBudget).withAgents(agents)
                        .withOwnTools(tools ? ChatRequest.OWN_TOOLS : null))
                : engine.complete(CompletionRequest.ofText(paths.id(), prompt == null ? "" : prompt, options))) {
            if (prompt != null && !chat && mode == null && !tools && images.isEmpty()) out.print(prompt);
            Event.Done done = null;
            Thought thought = new Thought();
            SubAgents subAgents = new SubAgents();
            Event.Usage usage = null;
            Event e;
            do {
                switch (e = generation.next()) {
                    case Event.Reasoning r -> thought.print(r.text());
                    case Event.ToolCall x -> { } // muse run offers no functions
                    case Event.Contemplating c -> subAgents.start(c.perspectives());
                    case Event.AgentText t -> subAgents.text(t);
                    case Event.AgentDone d -> subAgents.done(d);
                    case Event.ToolStep step -> {
                        thought.end();
                        System.err.printf("[%s %s] -> %s%n", step.name(), step.arguments(), step.result());
                    }
                    case Event.Token t -> {
                        thought.end();
                        out.print(t.text());
                        out.flush();
                        if (out.checkError()) generation.cancel(); // stdout closed (piped into head, say)
                    }
                    case Event.Done d -> done = d;
                    case Event.Usage u -> usage = u;
                    case Event.Error error -> throw error.error();
                    case Event.Progress p -> { } // transcriptions' events: a generation has none
                    case Event.Segment seg -> { }
                    case Event.Transcribed x -> { }
                    case Event.Audio x -> { } // speech's events
                    case Event.Spoken x -> { }
                    case Event.PartialImage x -> { }
                    case Event.Image x -> { } // drawings' events
                    case Event.Drawn x -> { }
                }
            } while (!e.last());
            thought.end();
            out.println();
            out.flush();
            System.err.printf("%n%d prompt tokens (%.1f t/s), %d generated (%.1f t/s), stop: %s, seed %d%n",
                    done.promptTokens(), done.promptTokensPerSecond(), done.completionTokens(), done.tokensPerSecond(),
                    done.reason().name().toLowerCase(Locale.ROOT), actualSeed);
            if (subAgents.count() > 0 && usage != null)
                System.err.printf("%d sub-agents: %d tokens generated in all, %d prompt tokens read (%d of them reused)%n", subAgents.count(),
                        usage.completionTokens(), usage.promptTokens(), usage.cachedPromptTokens());
        }
        return 0;
    }

    /** --mode's values, in lower case as the HTTP API spells them. */
    static final class ModeConverter implements picocli.CommandLine.ITypeConverter<Mode> {
        @Override public Mode convert(String value) {
            try {
                return Mode.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a mode: instant, thinking or contemplating");
            }
        }
    }

    /**
     * A contemplation's sub-agents on stderr: a line of their token counts while they think (rewritten on a terminal),
     * then each one's perspective and the start of its conclusion as it ends (faint on a terminal); the answer that
     * follows goes to stdout.
     */
    private static final class SubAgents {
        private final boolean terminal = System.console() != null;
        private final PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        private List<String> perspectives = List.of();
        private int[] pieces;
        private StringBuilder[] thoughts, conclusions;

        int count() { return perspectives.size(); }

        void start(List<String> names) {
            perspectives = names;
            pieces = new int[names.size()];
            thoughts = new StringBuilder[names.size()];
            conclusions = new StringBuilder[names.size()];
            for (int i = 0; i < names.size(); i++) {
                thoughts[i] = new StringBuilder();
                conclusions[i] = new StringBuilder();
            }
            err.printf("contemplating with %d sub-agents%n", names.size());
        }

        void text(Event.AgentText t) {
            (t.thought() ? thoughts : conclusions)[t.agent()].append(t.text());
            pieces[t.agent()]++;
            if (!terminal) return;
            StringBuilder line = new StringBuilder("\r\033[K  thinking:");
            for (int i = 0; i < pieces.length; i++) line.append(" [").append(i + 1).append("] ").append(pieces[i]);
            err.print(line);
        }

        void done(Event.AgentDone d) {
            String said = (conclusions[d.agent()].isEmpty() ? thoughts[d.agent()] : conclusions[d.agent()]).toString().strip().replaceAll("\\s+", " ");
            if (said.length() > 160) said = said.substring(0, 157) + "...";
            err.printf("%s%s[%d] %s (%d tokens, %s)%n    %s%s%n", terminal ? "\r\033[K" : "", terminal ? "\033[2m" : "", d.agent() + 1,
                    perspectives.get(d.agent()), d.completionTokens(), d.reason().name().toLowerCase(Locale.ROOT), said, terminal ? "\033[0m" : "");
        }
    }

    /** What --json, --json-schema or --grammar-file ask the answer to be; null for free text. */
    private OutputGrammar grammar() throws IOException {
        int given = (json ? 1 : 0) + (jsonSchema != null ? 1 : 0) + (grammarFile != null ? 1 : 0);
        if (given > 1) throw new IllegalArgumentException("give one of --json, --json-schema and --grammar-file");
        if (json) return OutputGrammar.jsonObject();
        if (grammarFile != null) return OutputGrammar.gbnf(Files.readString(grammarFile));
        if (jsonSchema == null) return null;
        return OutputGrammar.jsonSchema(dev.muse.formats.JsonValues.parse(Files.readString(jsonSchema), jsonSchema.toString()));
    }

    /**
     * A reasoning model's thought goes to stderr (faint on a terminal), apart from the answer on stdout: a pipe gets the
     * answer alone, a person sees both.
     */
    private static final class Thought {
        private final boolean terminal = System.console() != null;
        private final PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        private boolean open, ended;

        void print(String text) {
            if (!open) err.print(terminal ? "\033[2m" : "");
            open = true;
            err.print(text);
        }

        void end() {
            if (!open || ended) return;
            ended = true;
            err.print(terminal ? "\033[0m\n\n" : "\n\n");
            err.flush();
        }
    }

    /** The system message, if any, and the user's turn: the --image pictures before the prompt (as llama.cpp's mtmd-cli puts them). */
    private List<ChatRequest.Message> messages() throws IOException {
        List<ChatRequest.Message> messages = new ArrayList<>();
        if (system != null) messages.add(ChatRequest.Message.of("system", system));
        List<ChatRequest.Part> turn = new ArrayList<>();
        for (Path image : images) {
            byte[] bytes = readImage(image);
            turn.add(new ChatRequest.Image(() -> bytes));
        }
        turn.add(new ChatRequest.Text(prompt == null ? "" : prompt));
        messages.add(new ChatRequest.Message("user", turn));
        return messages;
    }

    /** An image file's bytes, refused (before reading) when it is missing or larger than images may be. */
    static byte[] readImage(Path image) throws IOException {
        if (!Files.isRegularFile(image)) throw new IllegalArgumentException("no such image file: " + image);
        ImageLimits.DEFAULT.checkEncodedSize(Files.size(image));
        return Files.readAllBytes(image);
    }
}
