package dev.muse.runtime;

import java.util.List;

/**
 * Holds generated text back while it could still turn into a stop string, so a client never sees the
 * start of a stop sequence that is then cut off. Feed text with {@link #add}; it returns what is safe to
 * show. Once a stop string appears, {@link #stopped()} is true and the text before it is all that is left.
 */
final class StopStrings {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    StopStrings(List<String> stops) {
        for (String s : stops) if (s.isEmpty()) throw new IllegalArgumentException("a stop string cannot be empty");
        this.stops = List.copyOf(stops);
    }

    boolean stopped() { return stopped; }

    /** Adds text; returns the part that can be shown now (everything before a stop string once one appears). */
    String add(String text) {
        if (stopped) return "";
        held.append(text);
        int cut = -1;
        for (String s : stops) {
            int at = held.indexOf(s);
            if (at >= 0 && (cut < 0 || at < cut)) cut = at;
        }
        if (cut >= 0) {
            stopped = true;
            String out = held.substring(0, cut);
            held.setLength(0);
            return out;
        }
        int keep = 0; // the longest tail of held that begins some stop string
        for (String s : stops)
            for (int n = Math.min(s.length() - 1, held.length()); n > keep; n--)
                if (held.substring(held.length() - n).equals(s.substring(0, n))) {
                    keep = n;
                    break;
                }
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /** The text still held back at the end of generation (no stop string completed it). */
    String flush() {
        String out = held.toString();
        held.setLength(0);
        return out;
    }
}
