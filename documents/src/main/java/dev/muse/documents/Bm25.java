package dev.muse.documents;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Okapi BM25 over a set of passages (k1 = 1.2, b = 0.75, Lucene's idf: ln(1 + (N - n + 0.5) / (n + 0.5))), on lowercased
 * letter-and-digit terms: the keyword half of the search, which finds names, numbers and rare words an embedding blurs.
 */
public final class Bm25 {
    static final double K1 = 1.2, B = 0.75;

    private final List<Map<String, Integer>> counts = new ArrayList<>();
    private final int[] lengths;
    private final Map<String, Integer> documentFrequency = new HashMap<>();
    private final double averageLength;

    public Bm25(List<String> passages) {
        lengths = new int[passages.size()];
        long total = 0;
        for (int i = 0; i < passages.size(); i++) {
            Map<String, Integer> c = new HashMap<>();
            List<String> terms = terms(passages.get(i));
            for (String t : terms) c.merge(t, 1, Integer::sum);
            for (String t : c.keySet()) documentFrequency.merge(t, 1, Integer::sum);
            counts.add(c);
            lengths[i] = terms.size();
            total += terms.size();
        }
        averageLength = passages.isEmpty() ? 0 : (double) total / passages.size();
    }

    /** Each passage's score for {@code query}, in passage order. */
    public double[] scores(String query) {
        double[] out = new double[lengths.length];
        int n = lengths.length;
        for (String term : new java.util.LinkedHashSet<>(terms(query))) {
            Integer df = documentFrequency.get(term);
            if (df == null) continue;
            double idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
            for (int i = 0; i < n; i++) {
                Integer tf = counts.get(i).get(term);
                if (tf == null) continue;
                out[i] += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[i] / averageLength));
            }
        }
        return out;
    }

    /** Lowercased runs of letters and digits. */
    static List<String> terms(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder term = new StringBuilder();
        text.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c)) term.appendCodePoint(c);
            else if (!term.isEmpty()) {
                out.add(term.toString());
                term.setLength(0);
            }
        });
        if (!term.isEmpty()) out.add(term.toString());
        return out;
    }
}
