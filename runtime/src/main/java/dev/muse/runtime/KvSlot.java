package dev.muse.runtime;

import dev.muse.models.SequenceState;
import java.util.Arrays;

/**
 * One sequence state (KV cache) of the scheduler's pool and the tokens whose keys and values it holds. When a sequence
 * ends, its slot keeps those tokens, so a later request that starts the same way (the next turn of a
 * conversation, another choice of the same prompt) skips recomputing the shared prefix.
 */
final class KvSlot {
    final SequenceState cache;
    /** The tokens in the cache are tokens[0 .. cache.length()). */
    int[] tokens = new int[0];
    Sequence owner;
    long lastUsedNanos;

    KvSlot(SequenceState cache) { this.cache = cache; }

    /** How many leading tokens of {@code prompt} this slot already holds. */
    int sharedPrefix(int[] prompt) {
        int n = Math.min(cache.length(), prompt.length);
        int i = Arrays.mismatch(tokens, 0, n, prompt, 0, n);
        return i < 0 ? n : i;
    }
}
