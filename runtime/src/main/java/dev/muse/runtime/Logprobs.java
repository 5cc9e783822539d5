package dev.muse.runtime;

import dev.muse.runtime.Sequence.Logprob;

/** Log-probabilities of the model's own distribution (before penalties, temperature and truncation), as OpenAI reports them. */
final class Logprobs {
    private Logprobs() {}

    static float[] logSoftmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double sum = 0;
        for (float l : logits) sum += Math.exp(l - max);
        float logSum = (float) (max + Math.log(sum));
        float[] out = new float[logits.length];
        for (int i = 0; i < logits.length; i++) out[i] = logits[i] - logSum;
        return out;
    }

    /** The {@code k} most likely tokens, most likely first (ties: smaller id first). */
    static Logprob[] top(float[] logprobs, int k) {
        Logprob[] best = new Logprob[Math.min(k, logprobs.length)];
        int size = 0;
        for (int id = 0; id < logprobs.length; id++) {
            float lp = logprobs[id];
            if (size == best.length && (size == 0 || lp <= best[size - 1].logprob())) continue;
            int at = size < best.length ? size++ : size - 1;
            while (at > 0 && best[at - 1].logprob() < lp) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = new Logprob(id, lp);
        }
        return best;
    }
}
