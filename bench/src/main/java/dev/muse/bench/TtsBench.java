package dev.muse.bench;

import dev.muse.engine.Ops;
import dev.muse.engine.Parallel;
import dev.muse.hub.ModelFiles;
import dev.muse.models.kokoro.IstftNet;
import dev.muse.models.kokoro.Kokoro;
import dev.muse.models.kokoro.SourceNoise;
import dev.muse.models.kokoro.Voice;
import dev.muse.models.nn.Scratch;
import dev.muse.runtime.SpeechRequest;
import dev.muse.testkit.TinyKokoro;
import dev.muse.text.phonemes.EnglishG2p;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * `muse bench --tts`: speech synthesis with Kokoro, a folder from the model cache or with --synthetic a random-weight
 * one of the published config's shapes (written once into the cache's .bench folder): for a 20-word sentence and a
 * 200-word paragraph, the time to the first audio (the text is said in pieces as the API streams it: a short first
 * one, then about a sentence each) and the real-time factor (seconds of audio per second of work), and the peak RSS. With a reference
 * command (hexgrad/kokoro's KModel in PyTorch on the same machine: docs/bench.md), the sentence's phonemes are said by it
 * too, for a ratio. Random weights: the arithmetic is that of real ones (the durations they predict are about a real
 * voice's).
 */
public final class TtsBench {
    /** Words every lexicon here has (testkit's and misaki's): the texts are made of them, so no word is spelled out. */
    private static final String[] WORDS = {"hello", "world", "muse", "speaks", "this", "is", "a", "test", "the", "quick", "brown", "fox", "good",
            "morning", "voice", "read", "aloud"};
    private static final Pattern ROUND = Pattern.compile("([0-9.]+) s of audio in ([0-9.]+) s");

    private TtsBench() {}

    /** The random-weight Kokoro of the published shapes, written into the cache the first time. */
    public static Path synthetic() throws IOException {
        Path folder = ModelFiles.cache().resolve(".bench").resolve("synthetic-kokoro");
        if (!Files.isRegularFile(folder.resolve("kokoro-v1_0.pth"))) {
            System.err.printf("writing %s (random weights, Kokoro-82M's shapes, about 330 MB)...%n", folder);
            TinyKokoro.write(folder, TinyKokoro.Shape.REAL, 20261207, "af_heart");
        }
        return folder;
    }

    /** A text of {@code words} words from {@link #WORDS}, a sentence end every tenth. */
    static String text(int words) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < words; i++) {
            String w = WORDS[(i * 7 + i / WORDS.length) % WORDS.length];
            b.append(i % 10 == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w).append(i % 10 == 9 || i == words - 1 ? ". " : " ");
        }
        return b.toString().strip();
    }

    /** Times the folder's first voice on the two texts, best of {@code repetitions} after a warm-up; with {@code reference}, beside it. */
    public static int run(Path folder, int repetitions, String reference) throws Exception {
        System.err.printf("benchmarking %s with %d threads%n", folder, Parallel.threads());
        long loadStart = System.nanoTime();
        try (Kokoro kokoro = Kokoro.load(folder, Ops.cpu())) {
            double load = (System.nanoTime() - loadStart) / 1e9;
            Voice voice = kokoro.voice(kokoro.voices().getFirst());
            EnglishG2p g2p = EnglishG2p.load(folder, voice.name().startsWith("b"));
            Scratch scratch = IstftNet.scratch(); // the vocoder's arrays, shared by every speech as the runtime's model does
            List<String> rows = new ArrayList<>();
            String sentencePhonemes = null;
            for (int words : new int[] {20, 200}) {
                String text = text(words);
                double first = Double.MAX_VALUE, whole = Double.MAX_VALUE, audio = 0;
                for (int r = 0; r <= repetitions; r++) { // the first round warms the JIT up and is not counted
                    long start = System.nanoTime();
                    List<EnglishG2p.Chunk> pieces = g2p.chunks(text, SpeechRequest.FIRST_PIECE, SpeechRequest.STREAMING_PIECE);
                    double firstAt = 0, seconds = 0;
                    SourceNoise noise = SourceNoise.seeded(r);
                    for (EnglishG2p.Chunk piece : pieces) {
                        seconds += kokoro.speak(piece.phonemes(), voice, 1f, noise, scratch).audio().length / 24_000.0;
                        if (firstAt == 0) firstAt = (System.nanoTime() - start) / 1e9;
                    }
                    double took = (System.nanoTime() - start) / 1e9;
                    System.err.printf(Locale.ROOT, "  %d words, %s: %d piece%s, %.2f s of audio, first audio %.3f s, all %.3f s%n", words,
                            r == 0 ? "warm-up" : "repetition " + r, pieces.size(), pieces.size() == 1 ? "" : "s", seconds, firstAt, took);
                    if (words == 20) sentencePhonemes = g2p.chunks(text).getFirst().phonemes();
                    if (r == 0) continue;
                    first = Math.min(first, firstAt);
                    whole = Math.min(whole, took);
                    audio = seconds;
                }
                rows.add(String.format(Locale.ROOT, "| %d words | %.2f | %.3f | %.3f | %.2f |", words, audio, first, whole, audio / whole));
            }
            long rss = WhisperBench.peakRssBytes();
            System.out.printf("%n| text | audio s | first audio s | all s | real-time factor |%n|---|---|---|---|---|%n");
            rows.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "%nvoice %s, %d threads, best of %d repetitions after one warm-up; load %.1f s; peak RSS %.0f MiB (files %.0f MiB)%n",
                    voice.name(), Parallel.threads(), repetitions, load, rss / 1048576.0, ModelFiles.bytes(folder) / 1048576.0);
            if (reference != null) compare(reference, folder, voice, sentencePhonemes, kokoro, scratch, repetitions);
        }
        return 0;
    }

    /** The sentence's phonemes said by the reference command and by Muse, each best of its rounds: the ratio of their speeds. */
    private static void compare(String reference, Path folder, Voice voice, String phonemes, Kokoro kokoro, Scratch scratch, int repetitions)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(reference.split(" ")));
        command.addAll(List.of(folder.toString(), voice.name(), phonemes, Integer.toString(Parallel.threads())));
        System.err.println("the reference: " + String.join(" ", command));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException("the reference command failed:\n" + out);
        double best = Double.MAX_VALUE, audio = 0;
        Matcher m = ROUND.matcher(out);
        for (int round = 0; m.find(); round++) {
            if (round == 0) continue; // its warm-up
            audio = Double.parseDouble(m.group(1));
            best = Math.min(best, Double.parseDouble(m.group(2)));
        }
        if (best == Double.MAX_VALUE) throw new IllegalStateException("the reference printed no rounds after its warm-up (\"A s of audio in T s\"):\n" + out);
        double muse = Double.MAX_VALUE;
        for (int r = 0; r <= repetitions; r++) {
            long start = System.nanoTime();
            kokoro.speak(phonemes, voice, 1f, SourceNoise.seeded(r), scratch);
            if (r > 0) muse = Math.min(muse, (System.nanoTime() - start) / 1e9);
        }
        System.out.printf(Locale.ROOT, "%n| the sentence's phonemes | audio s | Muse s | reference s | Muse / reference speed |%n|---|---|---|---|---|%n"
                + "| %d phonemes | %.2f | %.3f | %.3f | %.2fx |%n", phonemes.length(), audio, muse, best, best / muse);
    }
}
