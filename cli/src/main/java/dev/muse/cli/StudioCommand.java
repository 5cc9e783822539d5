package dev.muse.cli;

import dev.muse.runtime.BundledModel;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The main job. Until the server and the browser studio exist, it makes sure the bundled model is ready
 * and runs the generation demo on it.
 */
@Command(name = "studio", mixinStandardHelpOptions = true,
        description = "Start Muse with the bundled model ready (today: a streaming generation demo on stories260K).")
final class StudioCommand implements Callable<Integer> {
    @Option(names = {"-p", "--prompt"}, defaultValue = "Once upon a time", description = "demo prompt (default: ${DEFAULT-VALUE})")
    String prompt;

    @Option(names = {"-n", "--max-tokens"}, defaultValue = "200", description = "tokens to generate (default ${DEFAULT-VALUE})")
    int maxTokens;

    @Override public Integer call() throws Exception {
        String model = BundledModel.ensure().toString();
        System.err.println("Muse: generation demo on the bundled model (the server and studio UI are next on the roadmap)");
        return Main.commandLine().execute("run", model, "-p", prompt, "-n", String.valueOf(maxTokens), "--temperature", "0.8");
    }
}
