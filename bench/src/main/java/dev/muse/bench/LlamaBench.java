package dev.muse.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs a user-supplied llama.cpp llama-bench binary on the same file and reads its JSON averages. */
final class LlamaBench {
    private static final Pattern RESULT = Pattern.compile(
            "\"n_prompt\"\\s*:\\s*(\\d+).*?\"n_gen\"\\s*:\\s*(\\d+).*?\"avg_ts\"\\s*:\\s*([0-9.eE+-]+)", Pattern.DOTALL);

    private LlamaBench() {}

    static DecoderBench.Measurement run(Path binary, Path model, int prompt, int gen, int repetitions, int threads)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(binary)) throw new IllegalArgumentException("llama-bench not executable: " + binary);
        List<String> command = List.of(binary.toString(), "-m", model.toString(), "-p", String.valueOf(prompt), "-n", String.valueOf(gen),
                "-r", String.valueOf(repetitions), "-t", String.valueOf(threads), "-o", "json");
        System.err.println("  running " + String.join(" ", command));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String json = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0)
            throw new IOException("llama-bench failed (exit " + (process.isAlive() ? "timeout" : process.exitValue()) + ")");
        double pp = -1, tg = -1;
        Matcher m = RESULT.matcher(json);
        while (m.find()) {
            if (Integer.parseInt(m.group(1)) > 0) pp = Double.parseDouble(m.group(3));
            if (Integer.parseInt(m.group(2)) > 0) tg = Double.parseDouble(m.group(3));
        }
        if (pp < 0 || tg < 0) throw new IOException("could not read pp/tg results from llama-bench output:\n" + json);
        return new DecoderBench.Measurement(pp, tg, -1);
    }
}
