package dev.muse.models.nn;

import dev.muse.models.KvCache;
import dev.muse.models.Decoder.Step;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * {@link dev.muse.models.Decoder#forward(List)} for any decoder that computes a chunk of {@link Rows}
 * at a time: checks the steps, appends them to their caches, lays them out as rows, cuts the rows into
 * chunks of at most {@code maxRows} (never splitting a bidirectional step, whose rows must all be in the
 * cache before any of them attends), and hands back each step's last logits. On failure every cache is
 * rewound to where it was.
 */
public final class Batch {
    /** Computes one chunk: returns the logits of the rows listed in logitRows, concatenated (null when none are wanted). */
    @FunctionalInterface
    public interface Chunk {
        float[] logits(Rows rows, int[] logitRows);
    }

    private Batch() {}

    public static float[][] forward(List<Step> steps, int embeddingLength, int vocabSize, int maxRows, Chunk chunk) {
        Set<KvCache> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        KvCache[] caches = new KvCache[steps.size()];
        int total = 0, dim = embeddingLength;
        for (int s = 0; s < steps.size(); s++) {
            Step step = steps.get(s);
            if (!(step.state() instanceof KvCache cache)) throw new IllegalArgumentException("a step's state was not made by this decoder");
            if (!distinct.add(cache)) throw new IllegalArgumentException("two steps of one batch share a KV cache");
            caches[s] = cache;
            if (step.tokens() != null) checkTokens(step.tokens(), vocabSize);
            else if (step.vectors().length != step.rows() * dim)
                throw new IllegalArgumentException("a vector step needs rows of " + dim + " floats, the model's embedding length");
            total += step.rows();
        }
        // Lay the steps out as rows: row i is one token (or vector) of one sequence at its own position.
        Rows all = new Rows(total);
        int[] lastRowOfStep = new int[steps.size()], starts = new int[steps.size()];
        int appended = 0;
        try {
            for (int s = 0, row = 0; s < steps.size(); s++, appended++) {
                Step step = steps.get(s);
                starts[s] = caches[s].append(step.rows());
                for (int t = 0; t < step.rows(); t++, row++) {
                    all.caches()[row] = caches[s];
                    all.positions()[row] = starts[s] + t;
                    all.visible()[row] = step.bidirectional() ? starts[s] + step.rows() : starts[s] + t + 1;
                    if (step.tokens() != null) all.tokens()[row] = step.tokens()[t];
                    else {
                        all.vectors()[row] = step.vectors();
                        all.vectorOffsets()[row] = t * dim;
                    }
                }
                lastRowOfStep[s] = row - 1;
            }
            float[][] logits = new float[steps.size()][];
            for (int from = 0, s = 0; from < total; ) {
                int rows = Math.min(maxRows, total - from);
                for (int t = 0, row = 0; t < steps.size(); row += steps.get(t).rows(), t++) {
                    int end = row + steps.get(t).rows();
                    if (steps.get(t).bidirectional() && row < from + rows && end > from + rows) rows = end - from;
                }
                int firstStep = s;
                while (s < steps.size() && lastRowOfStep[s] < from + rows) s++;
                int[] logitRows = new int[s - firstStep];
                for (int i = 0; i < logitRows.length; i++) logitRows[i] = lastRowOfStep[firstStep + i] - from;
                float[] out = chunk.logits(all.slice(from, from + rows), logitRows);
                for (int i = 0; i < logitRows.length; i++) logits[firstStep + i] = Arrays.copyOfRange(out, i * vocabSize, (i + 1) * vocabSize);
                from += rows;
            }
            return logits;
        } catch (RuntimeException e) {
            for (int s = 0; s < appended; s++) caches[s].truncate(starts[s]); // a failed step leaves every sequence as it was
            throw e;
        }
    }

    public static void checkTokens(int[] tokens, int vocabSize) {
        for (int t : tokens) if (t < 0 || t >= vocabSize) throw new IllegalArgumentException("token id " + t + " is outside the vocabulary");
    }
}
