package dev.muse.models.whisper;

import java.util.Arrays;

/**
 * Whisper's rules on the next token, applied to one sequence's logits before it picks (whisper.cpp's
 * whisper_process_logits, after OpenAI's decoding.py): special tokens never come out as text, timestamps come in
 * pairs and only rise, the first timestamp is at most {@value #MAX_INITIAL_SECONDS} s, and when the timestamps
 * together are likelier than any text token one of them must come next. The results are the filtered logits, their
 * log-softmax and their probabilities, in the arrays of the {@link Picked} this fills.
 */
final class LogitFilter {
    static final float MAX_INITIAL_SECONDS = 1.0f;

    private final WhisperTokens t;
    private final int vocabulary;
    private final int space; // the token " ", kept from being the first one
    private final int maxInitialTimestamp;

    LogitFilter(WhisperTokens tokens, int space, int audioContext) {
        this.t = tokens;
        this.vocabulary = tokens.vocabularySize();
        this.space = space;
        float precision = 30f / audioContext; // seconds per timestamp step
        this.maxInitialTimestamp = Math.round(MAX_INITIAL_SECONDS / precision);
    }

    /** Probabilities and log-probabilities of every token after filtering. */
    record Picked(float[] logits, float[] logprobs, float[] probs) {
        static Picked of(int vocabulary) {
            return new Picked(new float[vocabulary], new float[vocabulary], new float[vocabulary]);
        }
    }

    /**
     * Filters {@code raw} (not changed) for a sequence that has sampled {@code history} tokens so far, into {@code out}.
     *
     * @param seekDelta where the sequence's last timestamp put the window's end, in 10 ms frames; -1 before any
     */
    void apply(float[] raw, float temperature, int[] history, int length, boolean timestamps, int seekDelta, Picked out) {
        float[] logits = out.logits();
        System.arraycopy(raw, 0, logits, 0, vocabulary);
        if (temperature > 0) {
            for (int i = 0; i < vocabulary; i++) logits[i] /= temperature;
        }
        float inf = Float.NEGATIVE_INFINITY;
        boolean initial = length == 0;
        if (initial) { // suppress blank: no answer starts with end-of-text or a bare space
            logits[t.endOfText()] = inf;
            logits[space] = inf;
        }
        logits[t.noTimestamps()] = inf;
        if (!timestamps) Arrays.fill(logits, t.timestampBegin(), vocabulary, inf);
        logits[t.startOfTranscript()] = inf;
        logits[t.noSpeech()] = inf;
        logits[t.startOfLm()] = inf;
        logits[t.translate()] = inf;
        logits[t.transcribe()] = inf;
        logits[t.previous()] = inf;
        for (int i = 0; i < WhisperTokens.LANGUAGES.size(); i++) logits[t.startOfTranscript() + 1 + i] = inf;

        // Timestamps come in pairs (begin, end), except right before end-of-text
        boolean lastWasTimestamp = length > 0 && history[length - 1] >= t.timestampBegin();
        boolean penultimateWasTimestamp = length < 2 || history[length - 2] >= t.timestampBegin();
        if (lastWasTimestamp) {
            if (penultimateWasTimestamp) Arrays.fill(logits, t.timestampBegin(), vocabulary, inf);
            else Arrays.fill(logits, 0, t.endOfText(), inf);
        }
        if (initial) Arrays.fill(logits, Math.min(vocabulary, t.timestampBegin() + maxInitialTimestamp + 1), vocabulary, inf);
        if (seekDelta >= 0) Arrays.fill(logits, t.timestampBegin(), Math.min(vocabulary, t.timestampBegin() + seekDelta / 2), inf);

        float[] logprobs = out.logprobs();
        logSoftmax(logits, logprobs);
        // When the timestamps together are likelier than any single text token, the next token is a timestamp
        float timestampLogprob = logSumExp(logprobs, t.timestampBegin(), vocabulary);
        float maxText = inf;
        for (int i = 0; i < t.timestampBegin(); i++) maxText = Math.max(maxText, logprobs[i]);
        if (timestampLogprob > maxText) {
            Arrays.fill(logits, 0, t.timestampBegin(), inf);
            Arrays.fill(logprobs, 0, t.timestampBegin(), inf);
        }
        float[] probs = out.probs();
        for (int i = 0; i < vocabulary; i++) probs[i] = logits[i] == inf ? 0 : (float) Math.exp(logprobs[i]);
    }

    /** log-softmax in float as whisper.cpp computes it; -inf stays -inf. */
    static void logSoftmax(float[] logits, float[] out) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        float sum = 0;
        for (float v : logits) if (v > Float.NEGATIVE_INFINITY) sum += (float) Math.exp(v - max);
        float lse = (float) Math.log(sum) + max;
        for (int i = 0; i < logits.length; i++) out[i] = logits[i] > Float.NEGATIVE_INFINITY ? logits[i] - lse : Float.NEGATIVE_INFINITY;
    }

    private static float logSumExp(float[] v, int from, int to) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) max = Math.max(max, v[i]);
        float sum = 0;
        for (int i = from; i < to; i++) if (v[i] > Float.NEGATIVE_INFINITY) sum += (float) Math.exp(v[i] - max);
        return sum > 0 ? (float) Math.log(sum) + max : Float.NEGATIVE_INFINITY;
    }
}
