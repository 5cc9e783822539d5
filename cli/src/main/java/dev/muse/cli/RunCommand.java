package dev.muse.cli;

import dev.muse.hub.ModelFiles;

import dev.muse.models.KvCache;
import dev.muse.runtime.Generator;
import dev.muse.runtime.Prompt;
import dev.muse.runtime.TextModel;
import dev.muse.text.ChatMessage;
import dev.muse.text.Sampler;
import dev.muse.text.TokenDecoder;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true, description = "Generate text from a model, streaming tokens to stdout.")
final class RunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "a .gguf file or a model name in the cache")
    String model;

    @Option(names = {"-p", "--prompt"}, description = "prompt text (default: start from BOS alone)")
    String prompt;

    @Option(names = "--chat", description = "treat the prompt as a user message and apply the model's chat template")
    boolean chat;

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

    @Option(names = {"-c", "--context"}, description = "context length (default: the model's, at most 4096)")
    Integer context;

    @Option(names = "--mmproj", paramLabel = "FILE", description = "the model's vision projector (llama.cpp's mmproj GGUF); default: mmproj-MODEL.gguf beside the model, if there")
    Path mmproj;

    @Option(names = "--image", paramLabel = "FILE", description = "an image (PNG, JPEG or WebP) to put before the prompt, in a chat turn (repeatable; needs a vision projector)")
    List<Path> images = List.of();

    @Override public Integer call() throws Exception {
        long actualSeed = seed != null ? seed : System.nanoTime();
        Sampler sampler = new Sampler(new Sampler.Settings(temperature, topK, topP, minP, repeatPenalty, presencePenalty,
                frequencyPenalty, 64, actualSeed));
        Path file = ModelFiles.resolve(model);
        Path projector = mmproj != null ? mmproj : ModelFiles.projectorBeside(file);
        if (!images.isEmpty() && projector == null)
            throw new IllegalArgumentException("--image needs the model's vision projector: give it with --mmproj FILE");
        List<byte[]> pictures = new ArrayList<>();
        for (Path image : images) pictures.add(read(image));
        try (TextModel tm = TextModel.open(file, images.isEmpty() ? null : projector)) {
            Prompt input = !pictures.isEmpty() ? tm.chatPrompt(messages(), Map.of(), pictures)
                    : Prompt.of(prompt == null ? new int[] {tm.tokenizer().vocabulary().bosId()}
                            : chat ? tm.chatPrompt(messages()) : tm.tokenizer().encode(prompt, true));
            if (input.tokens()[0] == -1 && input.embedded().isEmpty()) throw new IllegalArgumentException("the model has no BOS token: give a prompt with -p");
            int window = context != null ? context : Math.min(tm.model().contextLength(), 4096);
            KvCache cache = tm.model().newCache(window);
            PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
            TokenDecoder decoder = new TokenDecoder(tm.tokenizer(), prompt == null);
            if (prompt != null && !chat && pictures.isEmpty()) out.print(prompt);
            Generator.Result result = Generator.generate(tm.model(), cache, input, maxTokens, sampler, tm.tokenizer()::isEndOfGeneration,
                    token -> {
                        out.print(decoder.next(token));
                        out.flush();
                        return !out.checkError();
                    });
            out.print(decoder.flush());
            out.println();
            out.flush();
            System.err.printf("%n%d prompt tokens (%.1f t/s), %d generated (%.1f t/s), stop: %s, seed %d%n",
                    result.promptTokens(), result.promptTokensPerSecond(), result.tokens().length,
                    result.generationTokensPerSecond(), result.stopReason().name().toLowerCase(), actualSeed);
        }
        return 0;
    }

    /** An image file's bytes, refused before reading when it is larger than any image Muse decodes. */
    private static byte[] read(Path image) throws java.io.IOException {
        if (!java.nio.file.Files.isRegularFile(image)) throw new IllegalArgumentException("no such image file: " + image);
        dev.muse.media.ImageLimits.DEFAULT.checkEncodedSize(java.nio.file.Files.size(image));
        return java.nio.file.Files.readAllBytes(image);
    }

    /** The system message, if any, and the user's turn: one image marker per --image before the prompt (as llama.cpp's mtmd-cli puts them). */
    private List<ChatMessage> messages() {
        List<ChatMessage> messages = new ArrayList<>();
        if (system != null) messages.add(ChatMessage.system(system));
        messages.add(ChatMessage.user(TextModel.IMAGE_MARKER.repeat(images.size()) + (prompt == null ? "" : prompt)));
        return messages;
    }
}
