package dev.muse.hub;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on a terminal: percent, bytes, rate and time left, redrawn in place at most ten times
 * a second. Not on a terminal ({@code animated} false) it prints only the notes, so logs stay readable.
 */
public final class ProgressBar implements DownloadProgress {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 24;

    private final PrintStream out;
    private final boolean animated;
    private final LongSupplier nanoTime;
    private String name = "";
    private long total = -1, from, done, startedAt, drawnAt;
    private int drawnLength;

    public ProgressBar(PrintStream out, boolean animated) { this(out, animated, System::nanoTime); }

    /** On standard error, animated only when a person is watching (a terminal, and TERM is not "dumb"). */
    public static ProgressBar onStandardError() {
        java.io.Console console = System.console();
        boolean terminal = console != null && console.isTerminal() && !"dumb".equals(System.getenv("TERM"));
        return new ProgressBar(System.err, terminal);
    }

    ProgressBar(PrintStream out, boolean animated, LongSupplier nanoTime) {
        this.out = out;
        this.animated = animated;
        this.nanoTime = nanoTime;
    }

    @Override public void start(String file, long totalBytes, long alreadyThere) {
        name = file;
        total = totalBytes;
        from = done = alreadyThere;
        startedAt = nanoTime.getAsLong();
        drawnAt = startedAt - REDRAW_NANOS;
        advance(alreadyThere);
    }

    @Override public void advance(long bytes) {
        done = bytes;
        long now = nanoTime.getAsLong();
        if (!animated || now - drawnAt < REDRAW_NANOS) return;
        drawnAt = now;
        draw(line(now));
    }

    @Override public void finish() {
        if (!animated || drawnLength == 0) return;
        draw(line(nanoTime.getAsLong()));
        out.println();
        drawnLength = 0;
    }

    @Override public void note(String message) {
        if (drawnLength > 0) {
            out.print("\r" + " ".repeat(drawnLength) + "\r");
            drawnLength = 0;
            drawnAt = 0; // redraw the bar on the next advance
        }
        out.println(message);
        out.flush();
    }

    /** {@code stories260K.gguf  42% [==========>             ] 498 KiB / 1.1 MiB  2.3 MiB/s  ETA 0:01} */
    String line(long now) {
        double seconds = Math.max((now - startedAt) / 1e9, 1e-3);
        double rate = (done - from) / seconds;
        StringBuilder b = new StringBuilder(name).append("  ");
        if (total > 0) {
            int percent = (int) Math.min(100, done * 100 / total);
            int filled = (int) (BAR_WIDTH * Math.min(1.0, (double) done / total));
            b.append(String.format(Locale.ROOT, "%3d%% [", percent)).append("=".repeat(filled))
                    .append(filled < BAR_WIDTH ? ">" + " ".repeat(BAR_WIDTH - filled - 1) : "").append("] ")
                    .append(humanBytes(done)).append(" / ").append(humanBytes(total));
        } else {
            b.append(humanBytes(done));
        }
        b.append("  ").append(humanBytes((long) rate)).append("/s");
        if (total > 0 && rate > 0 && done < total) b.append("  ETA ").append(clock((long) ((total - done) / rate)));
        return b.toString();
    }

    private void draw(String line) {
        out.print("\r" + line + " ".repeat(Math.max(0, drawnLength - line.length())));
        out.flush();
        drawnLength = line.length();
    }

    public static String humanBytes(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
    }

    static String clock(long seconds) {
        long h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }
}
