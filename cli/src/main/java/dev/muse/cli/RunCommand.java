package dev.muse.cli;

import dev.muse.runtime.ModelFiles;

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
import java.util.List;
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

    @Override public Integer call() throws Exception {
        long actualSeed = seed != null ? seed : System.nanoTime();
        Sampler sampler = new Sampler(new Sampler.Settings(temperature, topK, topP, minP, repeatPenalty, presencePenalty,
                frequencyPenalty, 64, actualSeed));
        try (TextModel tm = TextModel.open(ModelFiles.resolve(model))) {
            int[] tokens = prompt == null ? new int[] {tm.tokenizer().vocabulary().bosId()}
                    : chat ? tm.chatPrompt(messages()) : tm.tokenizer().encode(prompt, true);
            if (tokens.length == 0 || tokens[0] < 0) throw new IllegalArgumentException("the model has no BOS token: give a prompt with -p");
            int window = context != null ? context : Math.min(tm.model().contextLength(), 4096);
            KvCache cache = tm.model().newCache(window);
            PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
            TokenDecoder decoder = new TokenDecoder(tm.tokenizer(), prompt == null);
            if (prompt != null && !chat) out.print(prompt);
            Generator.Result result = Generator.generate(tm.model(), cache, Prompt.of(tokens), maxTokens, sampler, tm.tokenizer()::isEndOfGeneration,
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

    private List<ChatMessage> messages() {
        List<ChatMessage> messages = new ArrayList<>();
        if (system != null) messages.add(ChatMessage.system(system));
        messages.add(ChatMessage.user(prompt));
        return messages;
    }
}
