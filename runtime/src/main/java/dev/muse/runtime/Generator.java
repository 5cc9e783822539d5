package dev.muse.runtime;

import dev.muse.models.KvCache;
import dev.muse.models.LanguageModel;
import dev.muse.text.Sampler;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * The plain generation loop for one sequence: process the prompt (token runs as batches, each image span whole), then sample and feed one
 * token at a time until a stop token, the token budget, or the listener says stop.
 */
public final class Generator {
    /** Receives each generated token as it is produced; returning false stops generation. */
    @FunctionalInterface
    public interface Listener {
        boolean onToken(int token);
    }

    public enum StopReason { END_OF_TEXT, LENGTH, CANCELLED }

    public record Result(int[] tokens, int promptTokens, StopReason stopReason, long promptNanos, long generationNanos) {
        public double promptTokensPerSecond() { return promptTokens * 1e9 / Math.max(1, promptNanos); }

        /** Generated tokens per second, counting the steps after the first token (which the prompt pass produced). */
        public double generationTokensPerSecond() { return Math.max(0, tokens.length - 1) * 1e9 / Math.max(1, generationNanos); }
    }

    private Generator() {}

    public static Result generate(LanguageModel model, KvCache cache, Prompt prompt, int maxTokens, Sampler sampler,
                                  IntPredicate isStopToken, Listener listener) {
        int[] history = Arrays.copyOf(prompt.tokens(), prompt.length() + Math.max(0, maxTokens));
        int length = prompt.length();
        long t0 = System.nanoTime();
        float[] logits = prompt.feed(model, cache);
        long t1 = System.nanoTime();
        int generated = 0;
        StopReason reason = StopReason.LENGTH;
        while (generated < maxTokens) {
            int token = sampler.sample(logits, history, length);
            if (isStopToken.test(token)) {
                reason = StopReason.END_OF_TEXT;
                break;
            }
            history[length++] = token;
            generated++;
            if (!listener.onToken(token)) {
                reason = StopReason.CANCELLED;
                break;
            }
            if (generated == maxTokens || cache.length() == cache.capacity()) break;
            logits = model.forward(cache, new int[] {token});
        }
        long t2 = System.nanoTime();
        return new Result(Arrays.copyOfRange(history, prompt.length(), length), prompt.length(), reason, t1 - t0, t2 - t1);
    }
}
