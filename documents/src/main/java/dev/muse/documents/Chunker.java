package dev.muse.documents;

import java.util.ArrayList;
import java.util.List;

/**
 * A document cut into passages to embed and retrieve: runs of about {@code words} words, each overlapping the one before
 * by {@code overlap} so that a sentence cut at an edge is whole in one of them, never across a page or a heading (a
 * passage cites one page and one heading).
 */
public final class Chunker {
    /** A passage: its place in the document, the page and heading it stands under, its text. */
    public record Chunk(int index, int page, String heading, String text) {}

    private final int words, overlap;

    public Chunker(int words, int overlap) {
        if (words < 1 || overlap < 0 || overlap >= words) throw new IllegalArgumentException("a chunk of " + words + " words cannot overlap by " + overlap);
        this.words = words;
        this.overlap = overlap;
    }

    /** About 180 words with 30 in common: a few sentences, which MiniLM (256 tokens) reads whole. */
    public static final Chunker DEFAULT = new Chunker(180, 30);

    public List<Chunk> chunk(DocumentText document) {
        List<Chunk> out = new ArrayList<>();
        for (DocumentText.Section section : document.sections()) {
            String[] tokens = section.text().strip().split("\\s+");
            if (tokens.length == 0 || tokens[0].isEmpty()) continue;
            for (int start = 0; ; start += words - overlap) {
                int end = Math.min(tokens.length, start + words);
                out.add(new Chunk(out.size(), section.page(), section.heading(), String.join(" ", java.util.Arrays.copyOfRange(tokens, start, end))));
                if (end == tokens.length) break;
            }
        }
        return out;
    }
}
