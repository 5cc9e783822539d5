package dev.muse.runtime;

import dev.muse.models.SequenceState;
import dev.muse.models.Decoder;
import dev.muse.text.Sampler;
import java.util.Arrays;

/**
 * The reference the scheduler is tested against: one sequence alone in a cache of its own, the prompt fed
 * (token runs as batches, each image span whole), then greedy tokens one forward pass at a time.
 */
final class PlainLoop {
    private PlainLoop() {}

    /** Up to {@code maxTokens} greedy tokens after {@code prompt}, with no stop token. */
    static int[] greedy(Decoder model, int capacity, Prompt prompt, int maxTokens) {
        SequenceState cache = model.newState(capacity);
        int[] history = Arrays.copyOf(prompt.tokens(), prompt.length() + maxTokens);
        int length = prompt.length();
        float[] logits = prompt.feed(model, cache);
        Sampler sampler = new Sampler(Sampler.Settings.greedy());
        for (int generated = 0; generated < maxTokens; generated++) {
            int token = sampler.sample(logits, history, length);
            history[length++] = token;
            if (generated + 1 == maxTokens || cache.length() == cache.capacity()) break;
            logits = model.forward(cache, new int[] {token});
        }
        return Arrays.copyOfRange(history, prompt.length(), length);
    }
}
