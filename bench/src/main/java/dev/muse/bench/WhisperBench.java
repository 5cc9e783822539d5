package dev.muse.bench;

import dev.muse.engine.GgmlType;
import dev.muse.engine.Parallel;
import dev.muse.formats.TensorSource;
import dev.muse.formats.detect.WeightFiles;
import dev.muse.hub.ModelFiles;
import dev.muse.media.Audio;
import dev.muse.media.AudioDecoder;
import dev.muse.media.LogMel;
import dev.muse.media.WavWriter;
import dev.muse.models.Models;
import dev.muse.models.SequenceState;
import dev.muse.models.SpeechRecognizer;
import dev.muse.models.whisper.WhisperTokens;
import dev.muse.testkit.TinyWhisper;
import dev.muse.testkit.TinyWhisper.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * `muse bench --whisper NAME`: Whisper's three costs on 30 s of audio (jfk.wav repeated) with a Whisper file from the
 * model cache, or with `--synthetic` a random-weight model of a published size's exact shapes (written once into the
 * cache): the log-mel spectrogram, the encoder on one window, and decoding (ms per token after the prompt), optionally
 * beside whisper.cpp's whisper-cli on the same file and audio (its own timings: encode, and decode per run). Random
 * weights: the arithmetic is that of real ones.
 */
public final class WhisperBench {
    /** The published models' shapes (OpenAI's dims; whisper.cpp's files hold them unchanged). */
    static final Map<String, Shape> KNOWN = new TreeMap<>(Map.of(
            "tiny", new Shape("tiny", 51865, 1500, 384, 6, 4, 448, 6, 4, 80),
            "base", new Shape("base", 51865, 1500, 512, 8, 6, 448, 8, 6, 80),
            "small", new Shape("small", 51865, 1500, 768, 12, 12, 448, 12, 12, 80),
            "large-v3-turbo", new Shape("large-v3-turbo", 51866, 1500, 1280, 20, 32, 448, 20, 4, 128)));
    private static final Pattern ENCODE = Pattern.compile("encode time =\\s*([0-9.]+) ms /\\s*(\\d+) runs");
    private static final Pattern DECODE = Pattern.compile("decode time =\\s*([0-9.]+) ms /\\s*(\\d+) runs");

    private WhisperBench() {}

    /**
     * The random-weight file of a published size's shapes (tiny, base, small, large-v3-turbo) in {@code type}, written
     * into the model cache the first time.
     */
    public static Path synthetic(String name, GgmlType type) throws IOException {
        Shape shape = KNOWN.get(name);
        if (shape == null) throw new IllegalArgumentException("unknown Whisper size " + name + " (known: " + String.join(", ", KNOWN.keySet()) + ")");
        // not named ggml-*.bin, so the cache listing does not offer it as a model to transcribe with
        Path path = ModelFiles.cache().resolve("synthetic-whisper-" + name + "-" + type.name().toLowerCase(Locale.ROOT) + ".bin");
        if (!Files.exists(path)) {
            Files.createDirectories(path.getParent());
            System.err.printf("writing %s (random weights, whisper %s shapes)...%n", path, name);
            new TinyWhisper(shape, type, 20261206).write(path);
        }
        return path;
    }

    /** Times the Whisper file at {@code path} ({@code name} in the table), {@code repetitions} times after a warm-up. */
    public static int run(Path path, String name, int repetitions, int tokens, Path jfk, Path whisperCli) throws Exception {
        Audio speech = new AudioDecoder().decode(jfk).at(LogMel.SAMPLE_RATE);
        float[] samples = new float[30 * LogMel.SAMPLE_RATE];
        for (int i = 0; i < samples.length; i++) samples[i] = speech.samples()[i % speech.samples().length];
        System.err.printf("benchmarking %s with %d threads on 30 s of audio%n", path, Parallel.threads());
        double melMs = Double.MAX_VALUE, encodeMs = Double.MAX_VALUE, tokenMs = Double.MAX_VALUE;
        GgmlType type;
        try (TensorSource file = WeightFiles.open(path)) {
            SpeechRecognizer whisper = Models.load(file).as(SpeechRecognizer.class)
                    .orElseThrow(() -> new IllegalArgumentException(path + " is not a speech recognition model"));
            type = file.info("decoder.token_embedding.weight").type();
            WhisperTokens special = WhisperTokens.of(whisper.vocabularySize());
            int[] prompt = special.multilingual() // what whisper-cli starts with: sot, en, transcribe (sot alone for .en)
                    ? new int[] {special.startOfTranscript(), special.language("en"), special.transcribe()}
                    : new int[] {special.startOfTranscript()};
            for (int r = 0; r <= repetitions; r++) { // the first round warms the JIT up and is not counted
                long t0 = System.nanoTime();
                LogMel.Spectrogram mel = whisper.logMel().compute(samples);
                long t1 = System.nanoTime();
                SpeechRecognizer.EncodedAudio audio = whisper.encode(mel, 0);
                long t2 = System.nanoTime();
                SequenceState s = whisper.start(audio);
                float[] logits = whisper.decode(s, prompt);
                long t3 = System.nanoTime();
                for (int i = 0; i < tokens; i++) logits = whisper.decode(s, new int[] {argmax(logits)});
                s.release();
                long t4 = System.nanoTime();
                System.err.printf("  %s: mel %.1f ms, encode %.1f ms, decode %.2f ms/token%n", r == 0 ? "warm-up" : "repetition " + r,
                        (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t4 - t3) / 1e6 / tokens);
                if (r == 0) continue;
                melMs = Math.min(melMs, (t1 - t0) / 1e6);
                encodeMs = Math.min(encodeMs, (t2 - t1) / 1e6);
                tokenMs = Math.min(tokenMs, (t4 - t3) / 1e6 / tokens);
            }
        }
        long rss = peakRssBytes();
        double[] reference = whisperCli == null ? null : runWhisperCli(whisperCli, path, samples, repetitions);
        System.out.printf("%n| model | weights | threads | mel ms (30 s) | encode ms | decode ms/token | real-time factor |%s%n",
                reference == null ? "" : " whisper.cpp encode ms | whisper.cpp decode ms/token | encode ratio | decode ratio |");
        System.out.printf("|---|---|---|---|---|---|---|%s%n", reference == null ? "" : "---|---|---|---|");
        double realTime = (melMs + encodeMs + 100 * tokenMs) / 30_000; // a 30 s window of speech is about 100 tokens
        System.out.printf(Locale.ROOT, "| %s | %s | %d | %.0f | %.0f | %.2f | %.3f |%s%n", name, type, Parallel.threads(), melMs, encodeMs, tokenMs,
                realTime, reference == null ? "" : String.format(Locale.ROOT, " %.0f | %.2f | %.2f | %.2f |", reference[0], reference[1],
                        reference[0] / encodeMs, reference[1] / tokenMs));
        System.out.printf(Locale.ROOT, "%nbest of %d repetitions after one warm-up; real-time factor = (mel + encode + 100 tokens) / 30 s; "
                + "peak RSS %.0f MiB (file %.0f MiB)%n", repetitions, rss / 1048576.0, Files.size(path) / 1048576.0);
        return 0;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    /** whisper-cli on the same 30 s (greedy, no fallback, one window): its best encode ms and decode ms per run. */
    private static double[] runWhisperCli(Path cli, Path model, float[] samples, int repetitions) throws IOException, InterruptedException {
        if (!Files.isExecutable(cli)) throw new IllegalArgumentException("whisper-cli not executable: " + cli);
        Path wav = Files.createTempFile("muse-bench-", ".wav");
        try {
            Files.write(wav, WavWriter.pcm16(new Audio(samples, LogMel.SAMPLE_RATE)));
            double encode = Double.MAX_VALUE, decode = Double.MAX_VALUE;
            for (int r = 0; r <= repetitions; r++) {
                List<String> command = List.of(cli.toString(), "-m", model.toString(), "-f", wav.toString(), "-t", String.valueOf(Parallel.threads()),
                        "-bs", "1", "-bo", "1", "-nf", "-l", "en");
                if (r == 0) System.err.println("running " + String.join(" ", command));
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) throw new IOException("whisper-cli failed:\n" + out);
                Matcher e = ENCODE.matcher(out), d = DECODE.matcher(out);
                if (!e.find() || !d.find()) throw new IOException("no timings in whisper-cli's output:\n" + out);
                double encodeMs = Double.parseDouble(e.group(1)) / Integer.parseInt(e.group(2));
                double decodeMs = Double.parseDouble(d.group(1)) / Math.max(1, Integer.parseInt(d.group(2)));
                System.err.printf("  whisper.cpp %s: encode %.1f ms, decode %.2f ms/token%n", r == 0 ? "warm-up" : "repetition " + r, encodeMs, decodeMs);
                if (r == 0) continue;
                encode = Math.min(encode, encodeMs);
                decode = Math.min(decode, decodeMs);
            }
            return new double[] {encode, decode};
        } finally {
            Files.deleteIfExists(wav);
        }
    }

    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        } catch (IOException | RuntimeException e) {
            // not Linux: unknown
        }
        return -1;
    }

}
