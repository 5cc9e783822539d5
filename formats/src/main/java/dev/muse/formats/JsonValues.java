package dev.muse.formats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader for the headers of weight files and the config.json files beside them (RFC 8259): objects become LinkedHashMaps (in file order; a
 * key given twice is refused), arrays Lists, numbers Longs when integral and within range, else Doubles, and strings,
 * booleans and null as themselves. Nesting is bounded and the whole text must be one value: a header is data from the
 * file, so nothing in it is trusted to be small or well formed.
 */
public final class JsonValues {
    private static final int MAX_DEPTH = 64;
    private final String text;
    private final String where;
    private final boolean javascript;
    private int at;

    private JsonValues(String text, String where, boolean javascript) {
        this.text = text;
        this.where = where;
        this.javascript = javascript;
    }

    /** A string as a JSON string literal: quotes and backslashes escaped, control characters as \\u escapes. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.append('"').toString();
    }

    /**
     * Compact JSON text of parsed JSON (maps, lists, strings, numbers, booleans, null), as {@link #parse} gives it; a
     * whole double is written as an integer.
     */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
        switch (value) {
            case null -> out.append("null");
            case String s -> out.append(quote(s));
            case Boolean b -> out.append(b);
            case Double d when d == Math.rint(d) && Math.abs(d) < 1e15 -> out.append(d.longValue());
            case Float f when f == Math.rint(f) && Math.abs(f) < 1e7 -> out.append(f.longValue());
            case Number n -> out.append(n);
            case java.util.Map<?, ?> m -> {
                out.append('{');
                boolean first = true;
                for (java.util.Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) out.append(',');
                    first = false;
                    out.append(quote(String.valueOf(e.getKey()))).append(':');
                    write(e.getValue(), out);
                }
                out.append('}');
            }
            case java.util.List<?> l -> {
                out.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) out.append(',');
                    write(l.get(i), out);
                }
                out.append(']');
            }
            default -> throw new IllegalArgumentException("not a JSON value: " + value.getClass().getSimpleName());
        }
    }

    /** The single value the text holds; FormatException (naming {@code where} and the offset) when it is not JSON. */
    public static Object parse(String text, String where) {
        return parse(text, where, false);
    }

    /**
     * The single value a minified JavaScript object literal holds, as {@link #parse} gives JSON: besides JSON it takes
     * what minifiers write for data (TensorFlow.js models bundled as .min.js files): unquoted identifier keys, !0 and
     * !1 for true and false, and numbers without a digit before their point (.5). Nothing else of JavaScript.
     */
    public static Object parseJavaScript(String text, String where) {
        return parse(text, where, true);
    }

    private static Object parse(String text, String where, boolean javascript) {
        JsonValues reader = new JsonValues(text, where, javascript);
        reader.space();
        Object value = reader.value(0);
        reader.space();
        if (reader.at != text.length()) throw reader.error("text after the JSON value");
        return value;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
        if (at >= text.length()) throw error("the text ends where a value should start");
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (javascript && (text.startsWith("!0", at) || text.startsWith("!1", at))) {
                    at += 2;
                    yield text.charAt(at - 1) == '0';
                }
                if (c == '-' || c >= '0' && c <= '9' || javascript && c == '.') yield number();
                throw error("unexpected '" + c + "'");
            }
        };
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> members = new LinkedHashMap<>();
        at++;
        space();
        if (peek() == '}') {
            at++;
            return members;
        }
        while (true) {
            space();
            String key;
            if (peek() == '"') key = string();
            else if (javascript && Character.isJavaIdentifierStart(peek())) key = identifier();
            else throw error("an object key must be a string");
            space();
            expect(':');
            space();
            if (members.containsKey(key)) throw error("the key \"" + key + "\" appears twice");
            members.put(key, value(depth + 1));
            space();
            if (peek() == ',') {
                at++;
                continue;
            }
            expect('}');
            return members;
        }
    }

    private List<Object> array(int depth) {
        List<Object> items = new ArrayList<>();
        at++;
        space();
        if (peek() == ']') {
            at++;
            return items;
        }
        while (true) {
            space();
            items.add(value(depth + 1));
            space();
            if (peek() == ',') {
                at++;
                continue;
            }
            expect(']');
            return items;
        }
    }

    private String string() {
        at++; // the opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (at >= text.length()) throw error("a string is not closed");
            char c = text.charAt(at++);
            if (c == '"') return sb.toString();
            if (c < 0x20) throw error("a control character inside a string");
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (at >= text.length()) throw error("a string ends inside an escape");
            char e = text.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) throw error("a \\u escape is cut short");
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int digit = Character.digit(text.charAt(at++), 16);
                        if (digit < 0) throw error("a \\u escape with a non-hex digit");
                        code = code * 16 + digit;
                    }
                    sb.append((char) code);
                }
                default -> throw error("an unknown escape \\" + e);
            }
        }
    }

    private String identifier() {
        int start = at;
        while (at < text.length() && Character.isJavaIdentifierPart(text.charAt(at))) at++;
        return text.substring(start, at);
    }

    private Object number() {
        int start = at;
        if (peek() == '-') at++;
        if (peek() == '0') at++;
        else if (!(javascript && peek() == '.')) digits();
        boolean integral = true;
        if (peek() == '.') {
            at++;
            digits();
            integral = false;
        }
        if (peek() == 'e' || peek() == 'E') {
            at++;
            if (peek() == '+' || peek() == '-') at++;
            digits();
            integral = false;
        }
        String literal = text.substring(start, at);
        if (integral && literal.length() <= 18) return Long.parseLong(literal);
        return Double.parseDouble(literal);
    }

    private void digits() {
        int start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') at++;
        if (at == start) throw error("a number without digits");
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, at)) throw error("unexpected '" + text.charAt(at) + "'");
        at += word.length();
        return value;
    }

    private void expect(char c) {
        if (peek() != c) throw error("expected '" + c + "'");
        at++;
    }

    private char peek() { return at < text.length() ? text.charAt(at) : '\0'; }

    private void space() {
        while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t' || text.charAt(at) == '\n' || text.charAt(at) == '\r')) at++;
    }

    private FormatException error(String what) {
        return new FormatException(where + ": not valid JSON at character " + at + " (" + what + ")");
    }
}
