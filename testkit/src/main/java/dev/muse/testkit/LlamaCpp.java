package dev.muse.testkit;

import de.kherud.llama.LlamaModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * llama.cpp as an independent reference: collects requests for one GGUF file written from a {@link TinyModel},
 * then answers them all as one job of a forked JVM running {@link LlamaCppProbe}. The fork is needed because the
 * de.kherud binding deletes every file whose name starts with "llama" in java.io.tmpdir when it loads (the fork
 * gets a fresh temporary folder of its own), may keep the JVM alive after generating, and takes the JVM down with
 * it when native code fails. Forks are kept for later jobs (starting one costs about as much as a job), one per
 * job running at once; a fork whose job fails or runs past its timeout is killed with its descendants.
 *
 * <pre>
 * LlamaCpp llama = new LlamaCpp(tiny, file);
 * int t = llama.tokenize("héllo 👋");
 * int g = llama.generate(new int[] {1, 15043}, 32);
 * LlamaCpp.Results r = llama.run(Duration.ofMinutes(2));
 * int[] tokens = r.ids(t), continuation = r.ids(g);
 * </pre>
 */
public final class LlamaCpp {
    private final Path model;
    private final int vocabSize, context;
    /** Names the file's vocabulary, so a fork builds its table of token texts once per vocabulary. */
    private final String vocabularyKey;
    private final List<String> commands = new ArrayList<>();

    /** For a model file written from {@code tiny}. */
    public LlamaCpp(TinyModel tiny, Path file) {
        this.model = file;
        this.vocabSize = tiny.family().vocab.size();
        this.context = tiny.family().shape.context();
        this.vocabularyKey = tiny.family().vocab.name();
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

    /**
     * Runs every request as one job of an idle fork (started when none is idle); throws with the fork's stderr
     * when the job fails or runs past the timeout, and that fork is then killed, never reused.
     */
    public Results run(Duration timeout) throws IOException {
        Fork fork = IDLE.poll();
        if (fork == null) fork = new Fork();
        List<String> answers;
        try {
            answers = fork.job(model, vocabSize, context, vocabularyKey, commands, timeout);
        } catch (IOException | RuntimeException e) {
            fork.kill();
            throw e;
        }
        IDLE.push(fork);
        return new Results(answers);
    }

    /** Forks between jobs; as many exist as jobs ever ran at once. They end with this JVM (see {@link Fork}). */
    private static final Deque<Fork> IDLE = new ConcurrentLinkedDeque<>();

    /**
     * One {@link LlamaCppProbe} JVM with a fresh temporary folder of its own; it halts when its stdin closes, so
     * it ends with the JVM that started it, and a shutdown hook kills it (with its descendants) as well.
     */
    private static final class Fork {
        private final Process process;
        private final Path dir, err;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final Writer in;

        Fork() throws IOException {
            dir = Files.createTempDirectory("muse-reference-");
            err = dir.resolve("stderr.txt");
            Path tmp = Files.createDirectory(dir.resolve("tmp"));
            List<String> command = List.of(javaBinary(),
                    "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                    "-Djava.io.tmpdir=" + tmp, "-Xmx1g",
                    // the fork's Java is a loop around native calls: a quick start matters more than compiled code
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classPath(),
                    LlamaCppProbe.class.getName());
            process = new ProcessBuilder(command).redirectError(err.toFile()).start();
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread.ofVirtual().start(() -> { // stdout into the queue; a line of null marks its end
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) if (line.startsWith("probe ")) lines.add(line.substring("probe ".length()));
                } catch (IOException e) {
                    // the fork died: the end marker below tells the waiting job
                } finally {
                    lines.add(END);
                }
            });
            Runtime.getRuntime().addShutdownHook(new Thread(this::kill));
        }

        List<String> job(Path model, int vocabSize, int context, String key, List<String> commands, Duration timeout) throws IOException {
            in.write("job " + vocabSize + " " + context + " " + key + " " + commands.size() + "\n" + model.toAbsolutePath() + "\n");
            for (String c : commands) in.write(c + "\n");
            in.flush();
            long deadline = System.nanoTime() + timeout.toNanos();
            List<String> answers = new ArrayList<>();
            while (true) {
                String line;
                try {
                    line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for llama.cpp", e);
                }
                if (line == null || line == END) {
                    String why = line == null ? "did not finish within " + timeout.toSeconds() + " s"
                            : "ended after " + answers.size() + " of " + commands.size() + " answers";
                    throw new IOException("llama.cpp on " + model.getFileName() + " " + why + "; its stderr ends:\n" + tail(err, 4000));
                }
                if (line.equals("done")) break;
                answers.add(line);
            }
            if (answers.size() != commands.size())
                throw new IOException("llama.cpp on " + model.getFileName() + " gave " + answers.size() + " answers to " + commands.size() + " requests");
            return List.copyOf(answers);
        }

        void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (Files.exists(dir)) deleteTree(dir);
        }
    }

    /** Marks the end of a fork's stdout in its queue (compared by identity). */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String END = new String("end of output");

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
