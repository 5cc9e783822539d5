package dev.muse.text;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Encoding 10 KB takes milliseconds, including inputs that defeat word splitting (one 10 KB "word",
 * a 10 KB run of spaces). Every timed text is new, so the per-word cache does not hide the merge work.
 * The bound is loose, because this runs on a shared two-core machine; the timings are printed to the
 * test report.
 */
class EncodingSpeedTest {

    private static final int SIZE = 10 * 1024;
    private static final long BUDGET_MILLIS = 100;

    @TestFactory
    Stream<DynamicTest> tenKilobytesInMilliseconds() {
        List<Named> tokenizers = List.of(new Named("llama-spm", () -> Vocabularies.gguf("llama-spm")),
                new Named("gpt-2", () -> Vocabularies.gguf("gpt-2")), new Named("llama3", Vocabularies::llama3),
                new Named("qwen3", Vocabularies::qwen3), new Named("mistral", Vocabularies::mistral));
        List<Named> texts = List.of(new Named("corpus", () -> null), new Named("letters", () -> null),
                new Named("spaces", () -> null), new Named("digits", () -> null));
        return tokenizers.stream().flatMap(tokenizer -> texts.stream().map(text ->
                DynamicTest.dynamicTest(tokenizer.name + " " + text.name, () -> {
                    Tokenizer t = tokenizer.tokenizer.get();
                    for (int seed = 0; seed < 5; seed++) {
                        t.encode(text(text.name, seed), false);
                    }
                    long best = Long.MAX_VALUE;
                    int tokens = 0;
                    for (int seed = 5; seed < 10; seed++) {
                        String input = text(text.name, seed);
                        long start = System.nanoTime();
                        tokens = t.encode(input, false).length;
                        best = Math.min(best, System.nanoTime() - start);
                    }
                    System.out.printf("%-10s %-8s %6d chars -> %5d tokens in %6.2f ms%n",
                            tokenizer.name, text.name, SIZE, tokens, best / 1e6);
                    assertTrue(best < BUDGET_MILLIS * 1_000_000, tokenizer.name + " took " + best / 1e6 + " ms");
                })));
    }

    /** 10 KB of one kind, different for each seed. */
    private static String text(String kind, int seed) {
        Random random = new Random(seed);
        return switch (kind) {
            // Corpus lines with made-up words between them, so each seed brings unseen words.
            case "corpus" -> {
                StringBuilder text = new StringBuilder();
                while (text.length() < SIZE) {
                    text.append(Corpus.TEXTS.get(random.nextInt(Corpus.TEXTS.size()))).append(' ')
                            .append(randomString(random, "bcdfghklmnprstvz", 3 + random.nextInt(8))).append('\n');
                }
                yield text.substring(0, SIZE);
            }
            case "letters" -> randomString(random, "abcdefghijklmnopqrstuvwxyz", SIZE);
            case "spaces" -> " ".repeat(SIZE - seed) + "x".repeat(seed);
            case "digits" -> randomString(random, "0123456789", SIZE);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static String randomString(Random random, String alphabet, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return new String(chars);
    }

    private record Named(String name, Supplier<Tokenizer> tokenizer) {
    }
}
