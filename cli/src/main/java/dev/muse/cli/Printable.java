package dev.muse.cli;

/**
 * Text from outside (a model file's metadata and tensor names, error messages that quote them) made safe for a
 * terminal: control characters, which a crafted file could use to move the cursor, recolour or clear the screen,
 * are written as escapes ({@code \n}, {@code \t}, {@code \u001b}), so what is printed is what is there.
 */
final class Printable {
    private Printable() {}

    static String of(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
            if (control && out == null) out = new StringBuilder(text.length() + 16).append(text, 0, i);
            if (out == null) continue;
            if (!control) out.append(c);
            else if (c == '\n') out.append("\\n");
            else if (c == '\t') out.append("\\t");
            else if (c == '\r') out.append("\\r");
            else out.append(String.format("\\u%04x", (int) c));
        }
        return out == null ? text : out.toString();
    }
}
