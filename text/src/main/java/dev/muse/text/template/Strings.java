package dev.muse.text.template;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** String operations shared by string methods and filters. */
final class Strings {
    private Strings() {}

    private static final Pattern WORD_START = Pattern.compile("\\b\\w");

    /** The reference's title case: upper-cases the first ASCII word character of each word, nothing else. */
    static String title(String s) {
        Matcher m = WORD_START.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement(m.group().toUpperCase(java.util.Locale.ROOT)));
        m.appendTail(sb);
        return sb.toString();
    }

    /** The reference's capitalize: first UTF-16 unit upper-cased, the rest unchanged. */
    static String capitalize(String s) {
        if (s.isEmpty()) return s;
        return String.valueOf(s.charAt(0)).toUpperCase(java.util.Locale.ROOT) + s.substring(1);
    }

    /**
     * strip/lstrip/rstrip. Without an argument whitespace goes (JavaScript's set, as in the reference);
     * with one, only those characters go, as in Python. The reference ignores the argument and trims
     * all whitespace, which changes prompts whose text starts with spaces; Python's behaviour is the
     * one models were trained on, so we follow it there.
     */
    static String strip(String s, String chars, boolean left, boolean right) {
        if (chars == null) {
            String out = left ? Js.trimStart(s) : s;
            return right ? Js.trimEnd(out) : out;
        }
        int start = 0, end = s.length();
        if (left) {
            while (start < end) {
                int cp = s.codePointAt(start);
                if (chars.indexOf(cp) < 0) break;
                start += Character.charCount(cp);
            }
        }
        if (right) {
            while (end > start) {
                int cp = s.codePointBefore(end);
                if (chars.indexOf(cp) < 0) break;
                end -= Character.charCount(cp);
            }
        }
        return s.substring(start, end);
    }

    /** Python's {@code str.replace(old, new, count)}; an empty {@code old} inserts between code points. */
    static String replace(String s, Object oldValue, Object newValue, Object count, Budget budget) {
        if (!(oldValue instanceof String old) || !(newValue instanceof String replacement)) {
            throw new TemplateException("replace() arguments must be strings");
        }
        if (count != null && !(count instanceof Long)) throw new TemplateException("replace() count must be an integer or none");
        long remaining = count == null || (Long) count < 0 ? Long.MAX_VALUE : (Long) count;
        StringBuilder sb = new StringBuilder();
        if (old.isEmpty()) {
            int i = 0;
            while (true) {
                if (remaining-- > 0) budget.append(sb, replacement);
                if (i >= s.length()) break;
                int cp = s.codePointAt(i);
                sb.appendCodePoint(cp);
                i += Character.charCount(cp);
            }
            return budget.string(sb.toString());
        }
        int from = 0;
        while (remaining-- > 0) {
            int at = s.indexOf(old, from);
            if (at < 0) break;
            budget.append(sb, s.substring(from, at));
            budget.append(sb, replacement);
            from = at + old.length();
        }
        budget.append(sb, s.substring(from));
        return sb.toString();
    }

    private static final Pattern FIELD = Pattern.compile("\\{\\{|}}|\\{([^{}]*)}|[{}]");

    /**
     * Python's {@code str.format} for plain fields only: {@code {}}, {@code {0}}, {@code {name}} and
     * doubled braces. Format specs and conversions are refused rather than guessed.
     */
    static String format(String s, List<Object> args, Map<String, Object> kw, Budget budget) {
        Matcher m = FIELD.matcher(s);
        StringBuilder sb = new StringBuilder();
        int next = 0, last = 0;
        while (m.find()) {
            budget.append(sb, s.substring(last, m.start()));
            last = m.end();
            String token = m.group();
            if (token.equals("{{") || token.equals("}}")) {
                budget.append(sb, token.substring(1));
                continue;
            }
            String field = m.group(1);
            if (field == null) throw new TemplateException("format(): single '" + token + "' in format string");
            Object value;
            if (field.isEmpty()) {
                if (next >= args.size()) throw new TemplateException("format(): not enough positional arguments");
                value = args.get(next++);
            } else if (field.chars().allMatch(Character::isDigit)) {
                int i = Integer.parseInt(field);
                if (i >= args.size()) throw new TemplateException("format(): no positional argument " + i);
                value = args.get(i);
            } else if (field.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                if (!kw.containsKey(field)) throw new TemplateException("format(): no keyword argument '" + field + "'");
                value = kw.get(field);
            } else {
                throw new TemplateException("format(): unsupported field '{" + field + "}'");
            }
            if (!(value instanceof String || value instanceof Long)) {
                // Python would print its own repr (True, None, {'a': 1}), which differs from Jinja output.
                throw new TemplateException("format(): only strings and integers can be formatted, got " + Values.typeName(value));
            }
            budget.append(sb, value.toString());
        }
        budget.append(sb, s.substring(last));
        return sb.toString();
    }
}
