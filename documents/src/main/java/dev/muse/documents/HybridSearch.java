package dev.muse.documents;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Passages ranked by keywords and by meaning together: BM25's ranking and the embeddings' cosine ranking fused by
 * reciprocal rank (score = sum of 1 / (60 + rank), Cormack et al.), so a passage high in either list comes near the top
 * and one high in both comes first. Passage vectors and the query's are L2-normalised (a dot product is the cosine).
 */
public final class HybridSearch {
    static final int RRF_K = 60;

    /** One result: the passage's index, its fused score, and its two parts. */
    public record Hit(int passage, double score, double keywords, double cosine) {}

    private HybridSearch() {}

    /** The {@code k} best passages for a query (its text and its vector); a passage matching by neither is left out. */
    public static List<Hit> search(List<String> passages, List<float[]> vectors, String query, float[] queryVector, int k) {
        if (passages.size() != vectors.size()) throw new IllegalArgumentException(passages.size() + " passages but " + vectors.size() + " vectors");
        int n = passages.size();
        double[] keywords = new Bm25(passages).scores(query), cosine = new double[n];
        for (int i = 0; i < n; i++) cosine[i] = dot(vectors.get(i), queryVector);
        double[] fused = new double[n];
        rank(keywords, fused, true);
        rank(cosine, fused, false);
        List<Hit> hits = new ArrayList<>();
        for (int i = 0; i < n; i++) hits.add(new Hit(i, fused[i], keywords[i], cosine[i]));
        return hits.stream().filter(h -> h.score() > 0).sorted(Comparator.comparingDouble(Hit::score).reversed()).limit(k).toList();
    }

    /** Adds 1 / (RRF_K + rank) to each passage's fused score by its rank in {@code scores} (only positive keyword scores rank). */
    private static void rank(double[] scores, double[] fused, boolean positiveOnly) {
        Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        for (int r = 0; r < order.length; r++) {
            if (positiveOnly && scores[order[r]] <= 0) break;
            fused[order[r]] += 1.0 / (RRF_K + r + 1);
        }
    }

    static double dot(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("vectors of " + a.length + " and " + b.length + " dimensions");
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
