package dev.muse.models.whisper;

import java.util.List;

/**
 * Each token's start and end, as whisper.cpp estimates them (whisper_exp_compute_token_level_timestamps): inside a
 * segment, a token whose likeliest timestamp is confident and rising marks where it begins; the stretches between
 * such marks are shared out by how long their text takes to say (a comma is a pause, a digit is slow); then each
 * token's edges are moved to where the signal's energy crosses half its local mean, so words do not start in
 * silence. Times in centiseconds. One instance follows one transcription: the last mark carries over between
 * segments.
 */
final class TokenTimes {
    /** A decided token: its id, text, and the likeliest timestamp at that step with its confidence. */
    record Token(int id, String text, int timestampId, float timestampProbability, float timestampSum) {}

    private static final float CONFIDENT = 0.01f; // whisper.cpp's thold_pt and thold_ptsum
    private static final int HALF_WINDOW = 16000 / 8; // samples either side for the local energy mean

    private final WhisperTokens t;
    private final float[] energy; // mean |x| over 65 samples around each sample
    private long begin, last;
    private int lastTimestamp;

    TokenTimes(WhisperTokens tokens, float[] samples) {
        this.t = tokens;
        this.energy = energy(samples, 32);
        this.lastTimestamp = 0;
    }

    /** The start and end of each of a segment's tokens, for a segment from {@code t0} to {@code t1}. */
    long[][] times(List<Token> tokens, long t0, long t1) {
        int n = tokens.size();
        long[] start = new long[n], end = new long[n];
        java.util.Arrays.fill(start, -1);
        java.util.Arrays.fill(end, -1);
        if (n == 0 || energy.length == 0) return new long[][] {start, end};
        if (n == 1) {
            start[0] = t0;
            end[0] = t1;
            return new long[][] {start, end};
        }
        double[] length = new double[n];
        for (int j = 0; j < n; j++) {
            Token token = tokens.get(j);
            if (j == 0) {
                if (token.id() == t.timestampBegin()) {
                    start[0] = end[0] = start[1] = t0;
                    begin = last = t0;
                    lastTimestamp = t.timestampBegin();
                } else {
                    start[0] = last;
                }
            }
            long at = begin + 2L * (token.timestampId() - t.timestampBegin());
            length[j] = voiceLength(token.id() < t.endOfText() ? token.text() : "");
            if (token.timestampProbability() > CONFIDENT && token.timestampSum() > CONFIDENT && token.timestampId() > lastTimestamp && at <= t1) {
                if (j > 0) end[j - 1] = at;
                start[j] = at;
                lastTimestamp = token.timestampId();
            }
        }
        end[n - 2] = t1;
        start[n - 1] = end[n - 1] = t1;
        last = t1;

        // Share each stretch between marks out by how long its tokens take to say
        for (int p0 = 0, p1 = 0; ; ) {
            while (p1 < n && end[p1] < 0) p1++;
            if (p1 >= n) p1--;
            if (p1 > p0) {
                double sum = 0;
                for (int j = p0; j <= p1; j++) sum += length[j];
                double span = end[p1] - start[p0];
                for (int j = p0 + 1; j <= p1; j++) {
                    long cut = (long) (start[j - 1] + span * length[j - 1] / sum);
                    end[j - 1] = cut;
                    start[j] = cut;
                }
            }
            p1++;
            p0 = p1;
            if (p1 >= n) break;
        }
        for (int j = 0; j < n - 1; j++) {
            if (end[j] < 0) start[j + 1] = end[j];
            if (j > 0 && end[j - 1] > start[j]) {
                start[j] = end[j - 1];
                end[j] = Math.max(start[j], end[j]);
            }
        }

        // Move each text token's edges to where the energy crosses half its local mean
        for (int j = 0; j < n; j++) {
            if (tokens.get(j).id() >= t.endOfText()) continue;
            int s0 = sample(start[j]), s1 = sample(end[j]);
            int from = Math.max(s0 - HALF_WINDOW, 0), to = Math.min(s1 + HALF_WINDOW, energy.length);
            float sum = 0;
            for (int k = from; k < to; k++) sum += energy[k];
            float threshold = (float) (0.5 * sum / (to - from));
            int k = s0;
            if (energy[k] > threshold && j > 0) {
                while (k > 0 && energy[k] > threshold) k--;
                start[j] = time(k);
                if (start[j] < end[j - 1]) start[j] = end[j - 1];
                else s0 = k;
            } else {
                while (energy[k] < threshold && k < s1) k++;
                s0 = k;
                start[j] = time(k);
            }
            k = s1;
            if (energy[k] > threshold) {
                while (k < energy.length - 1 && energy[k] > threshold) k++;
                end[j] = time(k);
                if (j < n - 1 && end[j] > start[j + 1]) end[j] = start[j + 1];
            } else {
                while (energy[k] < threshold && k > s0) k--;
                end[j] = time(k);
            }
        }
        return new long[][] {start, end};
    }

    private int sample(long centiseconds) {
        return (int) Math.max(0, Math.min(energy.length - 1, centiseconds * 16000 / 100));
    }

    private static long time(int sample) {
        return 100L * sample / 16000;
    }

    /** How long text takes to say, roughly: a space is nothing, a comma a pause, a full stop or digit longer. */
    static float voiceLength(String text) {
        float length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            length += c == ' ' ? 0.01f : c == ',' ? 2f : c == '.' || c == '!' || c == '?' ? 3f : c >= '0' && c <= '9' ? 3f : 1f;
        }
        return length;
    }

    private static float[] energy(float[] x, int half) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            float sum = 0;
            for (int j = -half; j <= half; j++) if (i + j >= 0 && i + j < x.length) sum += Math.abs(x[i + j]);
            out[i] = sum / (2 * half + 1);
        }
        return out;
    }
}
