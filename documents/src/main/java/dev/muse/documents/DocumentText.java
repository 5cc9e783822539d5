package dev.muse.documents;

import java.util.List;

/**
 * A document's text with the structure a citation needs: its sections in order, each on a page (1-based; 0 for a
 * document without pages) and under the heading it follows (null before the first).
 */
public record DocumentText(String title, String format, List<Section> sections, int pages) {
    public record Section(int page, String heading, String text) {}

    public DocumentText {
        sections = List.copyOf(sections);
    }

    /** Characters of text in all sections. */
    public long characters() {
        return sections.stream().mapToLong(s -> s.text().length()).sum();
    }
}
