package dev.muse.text.template;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text rewriting that Hugging Face applies before tokenizing a chat template, with
 * {@code trim_blocks} and {@code lstrip_blocks} on as in {@code apply_chat_template}:
 * <ol>
 *   <li>one trailing newline of the template is dropped;</li>
 *   <li>lstrip_blocks: spaces and tabs at the start of a line are removed before {@code {%} and {@code {#};</li>
 *   <li>trim_blocks: the newline right after {@code %}}, {@code #}} (or a {@code -}} is removed;</li>
 *   <li>{@code {% generation %}} / {@code {% endgeneration %}} markers (training-only) are removed.</li>
 * </ol>
 * Every character of the result remembers its offset in the original source, so errors point at the
 * line and column the template author sees.
 */
final class Preprocessor {
    private Preprocessor() {}

    /** Preprocessed text; {@code origin[i]} is the source offset of {@code text.charAt(i)}, plus one end entry. */
    record Result(String text, int[] origin) {}

    private static final String WS = Js.WHITESPACE_CLASS;
    private static final Pattern GENERATION_TAG =
            Pattern.compile("(" + WS + "*)\\{%(-?)" + WS + "*(?:end)?generation" + WS + "*(-?)%\\}(" + WS + "*)");

    static Result run(String source) {
        int[] origin = new int[source.length() + 1];
        Arrays.setAll(origin, i -> i);
        Result r = new Result(source, origin);
        if (source.endsWith("\n")) r = new Result(source.substring(0, source.length() - 1), dropLast(origin));
        r = lstripBlocks(r);
        r = trimBlocks(r);
        return removeGenerationTags(r);
    }

    private static int[] dropLast(int[] origin) {
        int[] out = Arrays.copyOf(origin, origin.length - 1);
        out[out.length - 1] = origin[origin.length - 1];
        return out;
    }

    /** Like JavaScript's multiline {@code ^}: a line starts after \n, \r, U+2028 or U+2029. */
    private static boolean atLineStart(String s, int i) {
        if (i == 0) return true;
        char p = s.charAt(i - 1);
        return p == '\n' || p == '\r' || p == '\u2028' || p == '\u2029';
    }

    private static Result lstripBlocks(Result in) {
        String s = in.text();
        Builder out = new Builder(s.length());
        int i = 0;
        while (i < s.length()) {
            if (atLineStart(s, i)) {
                int j = i;
                while (j < s.length() && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) j++;
                if (j > i && j + 1 < s.length() && s.charAt(j) == '{' && "#%-".indexOf(s.charAt(j + 1)) >= 0) {
                    i = j; // drop the indentation, keep the tag
                }
            }
            out.add(s.charAt(i), in.origin()[i]);
            i++;
        }
        return out.finish(in.origin()[s.length()]);
    }

    private static Result trimBlocks(Result in) {
        String s = in.text();
        Builder out = new Builder(s.length());
        for (int i = 0; i < s.length(); i++) {
            out.add(s.charAt(i), in.origin()[i]);
            if (i + 2 < s.length() && "#%-".indexOf(s.charAt(i)) >= 0 && s.charAt(i + 1) == '}' && s.charAt(i + 2) == '\n') {
                out.add('}', in.origin()[i + 1]);
                i += 2; // skip the newline
            }
        }
        return out.finish(in.origin()[s.length()]);
    }

    private static Result removeGenerationTags(Result in) {
        String s = in.text();
        Matcher m = GENERATION_TAG.matcher(s);
        if (!m.find()) return in;
        Builder out = new Builder(s.length());
        int copied = 0;
        do {
            out.copy(in, copied, m.start());
            if (m.group(2).isEmpty()) out.copy(in, m.start(1), m.end(1)); // keep the whitespace unless {%-
            if (m.group(3).isEmpty()) out.copy(in, m.start(4), m.end(4)); // ... unless -%}
            copied = m.end();
        } while (m.find());
        out.copy(in, copied, s.length());
        return out.finish(in.origin()[s.length()]);
    }

    /** Accumulates characters with their source offsets. */
    private static final class Builder {
        private final StringBuilder text;
        private int[] origin;

        Builder(int capacity) {
            text = new StringBuilder(capacity);
            origin = new int[capacity + 1];
        }

        void add(char c, int sourceOffset) {
            if (text.length() + 1 >= origin.length) origin = Arrays.copyOf(origin, origin.length * 2 + 2);
            origin[text.length()] = sourceOffset;
            text.append(c);
        }

        void copy(Result from, int start, int end) {
            for (int i = start; i < end; i++) add(from.text().charAt(i), from.origin()[i]);
        }

        Result finish(int endOffset) {
            int[] o = Arrays.copyOf(origin, text.length() + 1);
            o[text.length()] = endOffset;
            return new Result(text.toString(), o);
        }
    }
}
