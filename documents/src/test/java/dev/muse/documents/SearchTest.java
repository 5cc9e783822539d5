package dev.muse.documents;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Chunking, BM25 against hand-computed scores, and the fusion of the two rankings. */
class SearchTest {
    @Test
    void chunksOverlapAndKeepTheirPageAndHeading() {
        String words = String.join(" ", java.util.stream.IntStream.range(0, 25).mapToObj(i -> "w" + i).toList());
        DocumentText doc = new DocumentText("t", "pdf", List.of(new DocumentText.Section(1, null, words), new DocumentText.Section(2, "Two", "short page")), 2);
        List<Chunker.Chunk> chunks = new Chunker(10, 3).chunk(doc);
        assertEquals(List.of("w0 w1 w2 w3 w4 w5 w6 w7 w8 w9", "w7 w8 w9 w10 w11 w12 w13 w14 w15 w16", "w14 w15 w16 w17 w18 w19 w20 w21 w22 w23",
                "w21 w22 w23 w24", "short page"), chunks.stream().map(Chunker.Chunk::text).toList());
        assertEquals(List.of(0, 1, 2, 3, 4), chunks.stream().map(Chunker.Chunk::index).toList());
        assertEquals(2, chunks.getLast().page());
        assertEquals("Two", chunks.getLast().heading());
        assertThrows(IllegalArgumentException.class, () -> new Chunker(5, 5));
    }

    @Test
    void bm25ScoresAsDefined() {
        Bm25 bm25 = new Bm25(List.of("the cat sat", "the dog sat on the mat", "a bird"));
        double[] s = bm25.scores("cat");
        double avg = (3 + 6 + 2) / 3.0, idf = Math.log(1 + (3 - 1 + 0.5) / (1 + 0.5));
        assertEquals(idf * 1 * 2.2 / (1 + 1.2 * (1 - 0.75 + 0.75 * 3 / avg)), s[0], 1e-12);
        assertEquals(0, s[1]);
        assertTrue(bm25.scores("The SAT")[0] > bm25.scores("The SAT")[1], "the shorter passage with the same terms scores higher");
        assertEquals(List.of("über", "café", "42"), Bm25.terms("Über-café, 42!"));
    }

    @Test
    void aPassageHighInBothRankingsComesFirst() {
        List<String> passages = List.of("lighthouse keeper budget", "annual lighthouse report", "recipe for bread");
        List<float[]> vectors = List.of(new float[] {1, 0}, new float[] {0.6f, 0.8f}, new float[] {0, 1});
        List<HybridSearch.Hit> hits = HybridSearch.search(passages, vectors, "lighthouse budget", new float[] {1, 0}, 2);
        assertEquals(2, hits.size());
        assertEquals(0, hits.get(0).passage(), "first by keywords and by meaning");
        assertEquals(1, hits.get(1).passage());
        assertTrue(hits.get(0).keywords() > 0 && hits.get(0).cosine() == 1.0);
        assertThrows(IllegalArgumentException.class, () -> HybridSearch.search(passages, List.of(), "q", new float[2], 1));
    }
}
