package dev.muse.models.nn;

import java.util.Arrays;

/**
 * Working arrays a model's passes share, by slot: each is made once at the largest length asked of it and handed out
 * again, so a run of passes (the pieces of one speech) allocates a vocoder's activations, tens of megabytes each, once
 * rather than per layer and per pass. An array may be longer than asked: its users count by the length they asked for.
 * Not shared between threads: one per run.
 */
public final class Scratch {
    private final float[][] slots;

    public Scratch(int slots) {
        this.slots = new float[slots][];
    }

    /** Slot {@code slot}'s array, at least {@code length} long; what it holds is what the last user left. */
    public float[] get(int slot, int length) {
        float[] a = slots[slot];
        if (a == null || a.length < length) slots[slot] = a = new float[length];
        return a;
    }

    /** Slot {@code slot}'s array with its first {@code length} values zero. */
    public float[] zeroed(int slot, int length) {
        float[] a = get(slot, length);
        Arrays.fill(a, 0, length, 0f);
        return a;
    }
}
