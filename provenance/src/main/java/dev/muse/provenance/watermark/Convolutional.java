package dev.muse.provenance.watermark;

/**
 * The rate-1/2, constraint-length-7 convolutional code (generators 171 and 133 octal, the NASA/Voyager code) with a
 * zero tail, decoded by soft-decision Viterbi: a mark read through noise gets about 5 dB back over reading each bit alone.
 */
final class Convolutional {
    private static final int K = 7, STATES = 1 << (K - 1), G1 = 0171, G2 = 0133;

    private Convolutional() {}

    /** Coded bits of {@code bits} (0 or 1 each) and a zero tail: 2 (n + 6). */
    static int[] encode(int[] bits) {
        int[] out = new int[2 * (bits.length + K - 1)];
        int state = 0;
        for (int t = 0; t < bits.length + K - 1; t++) {
            int u = t < bits.length ? bits[t] : 0;
            int reg = u << (K - 1) | state;
            out[2 * t] = Integer.bitCount(reg & G1) & 1;
            out[2 * t + 1] = Integer.bitCount(reg & G2) & 1;
            state = reg >>> 1;
        }
        return out;
    }

    /** The {@code n} bits most likely sent, given soft values for each coded bit (positive: 1). */
    static int[] decode(float[] soft, int n) {
        int steps = n + K - 1;
        if (soft.length != 2 * steps) throw new IllegalArgumentException("expected " + 2 * steps + " soft values, got " + soft.length);
        float[] metric = new float[STATES], next = new float[STATES];
        java.util.Arrays.fill(metric, Float.NEGATIVE_INFINITY);
        metric[0] = 0;
        int[][] from = new int[steps][STATES];
        for (int t = 0; t < steps; t++) {
            java.util.Arrays.fill(next, Float.NEGATIVE_INFINITY);
            for (int state = 0; state < STATES; state++) {
                if (metric[state] == Float.NEGATIVE_INFINITY) continue;
                for (int u = 0; u <= (t < n ? 1 : 0); u++) {
                    int reg = u << (K - 1) | state, to = reg >>> 1;
                    float m = metric[state] + ((Integer.bitCount(reg & G1) & 1) == 1 ? soft[2 * t] : -soft[2 * t])
                            + ((Integer.bitCount(reg & G2) & 1) == 1 ? soft[2 * t + 1] : -soft[2 * t + 1]);
                    if (m > next[to]) {
                        next[to] = m;
                        from[t][to] = state;
                    }
                }
            }
            float[] swap = metric;
            metric = next;
            next = swap;
        }
        int[] bits = new int[n];
        int state = 0; // the tail brings the encoder back to zero
        for (int t = steps - 1; t >= 0; t--) {
            int previous = from[t][state];
            if (t < n) bits[t] = state >>> (K - 2) & 1; // the input bit entered the state's top
            state = previous;
        }
        return bits;
    }
}
