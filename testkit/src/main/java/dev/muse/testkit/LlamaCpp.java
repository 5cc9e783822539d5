package dev.muse.testkit;

import de.kherud.llama.LlamaModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * llama.cpp as an independent reference: collects requests for one GGUF file, then answers them all in
 * one forked JVM running {@link LlamaCppProbe}. The fork is needed because the de.kherud binding deletes
 * every file whose name starts with "llama" in java.io.tmpdir when it loads (the fork gets a fresh
 * temporary folder of its own), may keep the JVM alive after generating, and takes the JVM down with it
 * when native code fails. The fork is killed with its descendants when done or when the timeout passes.
 *
 * <pre>
 * LlamaCpp llama = new LlamaCpp(file, vocabSize, context);
 * int t = llama.tokenize("héllo 👋");
 * int g = llama.generate(new int[] {1, 15043}, 32);
 * LlamaCpp.Results r = llama.run(Duration.ofMinutes(2));
 * int[] tokens = r.ids(t), continuation = r.ids(g);
 * </pre>
 */
public final class LlamaCpp {
    private final Path model;
    private final int vocabSize, context;
    private final List<String> commands = new ArrayList<>();

    public LlamaCpp(Path model, int vocabSize, int context) {
        this.model = model;
        this.vocabSize = vocabSize;
        this.context = context;
    }

    /** For a model file written from {@code tiny}. */
    public LlamaCpp(TinyModel tiny, Path file) {
        this(file, tiny.family().vocab.size(), tiny.family().shape.context());
    }

    /** llama.cpp's tokenization of text (no BOS/EOS added; special-token text is parsed as special tokens). */
    public int tokenize(String text) {
        return add("tokenize " + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * What the binding's embed gives for text: the first token's final normed hidden state (see
     * {@link LlamaCppProbe}); the file must declare a pooling type for llama.cpp to run in embedding mode.
     */
    public int embed(String text) {
        return add("embed " + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** n greedy tokens after exactly these prompt ids (nothing is prepended). */
    public int generate(int[] prompt, int n) {
        return add("generate " + n + " " + join(prompt));
    }

    /**
     * llama.cpp's greedy choice after prompt, prompt+c[0], ..., prompt+c[0..n-2] (one id per continuation token), and,
     * wherever that choice is not c[k], its gap to c[k] there: {@link Results#forced}.
     */
    public int force(int[] prompt, int[] continuation) {
        int[] all = Arrays.copyOf(prompt, prompt.length + continuation.length);
        System.arraycopy(continuation, 0, all, prompt.length, continuation.length);
        return add("force " + prompt.length + " " + join(all));
    }

    private int add(String command) {
        commands.add(command);
        return commands.size() - 1;
    }

    /** The answers, by the index each request method returned. */
    public record Results(List<String> answers) {
        public float[] vector(int index) {
            String answer = answers.get(index);
            if (!answer.startsWith("vector")) throw new IllegalStateException("not an embedding: " + answer);
            String[] parts = answer.substring("vector".length()).trim().split(" ");
            float[] v = new float[parts.length];
            for (int i = 0; i < v.length; i++) v[i] = Float.parseFloat(parts[i]);
            return v;
        }

        public int[] ids(int index) {
            String answer = answers.get(index);
            String rest = answer.substring(answer.indexOf(' ') + 1).trim();
            return rest.isEmpty() ? new int[0] : Arrays.stream(rest.split(" ")).mapToInt(Integer::parseInt).toArray();
        }

        /** A force request's answer: llama.cpp's choices, and its gaps where they differ from the continuation (else NaN). */
        public Forced forced(int index) {
            String answer = answers.get(index);
            if (!answer.startsWith("forced ")) throw new IllegalStateException("not a forced run: " + answer);
            String[] steps = answer.substring("forced ".length()).split(" ");
            int[] ids = new int[steps.length];
            double[] gaps = new double[steps.length];
            for (int k = 0; k < steps.length; k++) {
                String[] parts = steps[k].split(":");
                ids[k] = Integer.parseInt(parts[0]);
                gaps[k] = parts[1].equals("-") ? Double.NaN : Double.parseDouble(parts[1]);
            }
            return new Forced(ids, gaps);
        }
    }

    /**
     * llama.cpp's greedy choice at each continuation position, and where it differs from the continuation's token,
     * logit(choice) - logit(continuation token) (NaN elsewhere, or where both tokens have the same text).
     */
    public record Forced(int[] ids, double[] gaps) {
    }

    /** Runs every request in one forked JVM; throws with the fork's stderr when it fails or times out. */
    public Results run(Duration timeout) throws IOException {
        Path dir = Files.createTempDirectory("muse-reference-");
        try {
            Path request = Files.write(dir.resolve("request.txt"), commands, StandardCharsets.UTF_8);
            Path out = dir.resolve("stdout.txt"), err = dir.resolve("stderr.txt");
            Path tmp = Files.createDirectory(dir.resolve("tmp"));
            List<String> command = List.of(javaBinary(),
                    "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                    "-Djava.io.tmpdir=" + tmp, "-Xmx1g",
                    // the fork's Java is a loop around native calls: a quick start matters more than compiled code
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classPath(),
                    LlamaCppProbe.class.getName(), model.toAbsolutePath().toString(), request.toString(),
                    Integer.toString(vocabSize), Integer.toString(context));
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            boolean exited;
            try {
                exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for llama.cpp", e);
            } finally {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            List<String> answers = Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                    .filter(l -> l.startsWith("probe ")).map(l -> l.substring("probe ".length())).collect(Collectors.toList());
            boolean done = !answers.isEmpty() && answers.getLast().equals("done");
            if (!done || answers.size() != commands.size() + 1) {
                String why = !exited ? "did not finish within " + timeout.toSeconds() + " s"
                        : "exited with status " + process.exitValue() + " after " + Math.max(0, answers.size() - (done ? 1 : 0)) + " of " + commands.size() + " answers";
                throw new IOException("llama.cpp on " + model.getFileName() + " " + why + "; its stderr ends:\n" + tail(err, 4000));
            }
            return new Results(List.copyOf(answers.subList(0, commands.size())));
        } finally {
            deleteTree(dir);
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Only the probe's own classes and the binding: the fork needs nothing else, whatever launched this JVM. */
    private static String classPath() {
        return Stream.of(LlamaCppProbe.class, LlamaModel.class).map(c -> {
            try {
                return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }).distinct().collect(Collectors.joining(java.io.File.pathSeparator));
    }

    private static String tail(Path file, int chars) {
        try {
            String s = Files.readString(file, StandardCharsets.ISO_8859_1);
            return s.length() <= chars ? s : "..." + s.substring(s.length() - chars);
        } catch (IOException e) {
            return "(stderr unreadable: " + e.getMessage() + ")";
        }
    }

    private static String join(int[] ids) {
        return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(" "));
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
