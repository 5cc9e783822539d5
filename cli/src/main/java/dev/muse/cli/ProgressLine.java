package dev.muse.cli;

/**
 * How far long work has come, on stderr: one line rewritten in a terminal (a bar and the percentage), a line per tenth
 * otherwise (a log keeps a few lines, not hundreds).
 */
final class ProgressLine {
    private final String name;
    private final boolean terminal = System.console() != null;
    private int shown = -1;

    ProgressLine(String name) { this.name = name; }

    void show(double fraction) {
        int percent = (int) Math.round(fraction * 100), filled = percent / 5;
        if (terminal) System.err.printf("\r%s [%s%s] %3d%%", name, "#".repeat(filled), " ".repeat(20 - filled), percent);
        else if (percent / 10 > shown / 10 || shown < 0) System.err.printf("%s: %d%%%n", name, percent);
        shown = percent;
    }

    /** Replaces the line with a summary; the next {@link #show} starts a new one. */
    void end(String summary) {
        if (terminal) System.err.print("\r\033[K");
        System.err.println(summary);
        shown = -1;
    }
}
