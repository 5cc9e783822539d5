package dev.muse.text.template;

import java.util.List;
import java.util.Map;

/**
 * JSON text for {@code tojson} and for printing containers, in the reference's format: Python
 * {@code json.dumps} spacing (", " and ": ", or "," with an indent), non-ASCII kept unless
 * {@code ensure_ascii}, and JavaScript's {@code JSON.stringify} for strings and numbers.
 */
final class Json {
    private Json() {}

    /** @param indent spaces per level; 0 means none (as in the reference, where 0 is falsy) */
    record Options(int indent, boolean ensureAscii, String itemSeparator, String keySeparator, boolean undefinedAsNull) {
        static Options of(int indent, boolean ensureAscii, String itemSeparator, String keySeparator) {
            String item = itemSeparator != null ? itemSeparator : indent > 0 ? "," : ", ";
            String key = keySeparator != null ? keySeparator : ": ";
            return new Options(indent, ensureAscii, item, key, true);
        }
    }

    static final Options TOJSON = Options.of(0, false, null, null);

    /** How a list, mapping or namespace prints in output: JSON in which undefined stays "undefined". */
    static String display(Object container, Budget budget) {
        Options o = new Options(0, false, ", ", ": ", false);
        StringBuilder sb = new StringBuilder();
        write(sb, container, o, 0, budget);
        return sb.toString();
    }

    static String encode(Object value, Options options, Budget budget) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, options, 0, budget);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, Options o, int depth, Budget budget) {
        budget.checkDepth(depth);
        budget.step();
        switch (v) {
            case null -> budget.append(sb, "null");
            case Undefined u -> budget.append(sb, o.undefinedAsNull() ? "null" : "undefined");
            case Long l -> budget.append(sb, l.toString());
            case Double d -> budget.append(sb, Js.numberToString(d));
            case Boolean b -> budget.append(sb, b.toString());
            case String s -> budget.append(sb, quote(s, o.ensureAscii()));
            case Tuple t -> throw new TemplateException("cannot convert a tuple to JSON or text");
            case List<?> list -> writeList(sb, list, o, depth, budget);
            case Map<?, ?> map -> writeObject(sb, map, o, depth, budget);
            case Namespace ns -> writeObject(sb, ns.attributes, o, depth, budget);
            default -> throw new TemplateException("cannot convert " + Values.describe(v) + " to JSON");
        }
    }

    private static void writeList(StringBuilder sb, List<?> list, Options o, int depth, Budget budget) {
        if (o.indent() > 0 && !list.isEmpty()) {
            String base = "\n" + " ".repeat(o.indent() * depth), children = base + " ".repeat(o.indent());
            budget.append(sb, "[" + children);
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) budget.append(sb, o.itemSeparator() + children);
                write(sb, list.get(i), o, depth + 1, budget);
            }
            budget.append(sb, base + "]");
        } else {
            budget.append(sb, "[");
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) budget.append(sb, o.itemSeparator());
                write(sb, list.get(i), o, depth + 1, budget);
            }
            budget.append(sb, "]");
        }
    }

    private static void writeObject(StringBuilder sb, Map<?, ?> map, Options o, int depth, Budget budget) {
        boolean indented = o.indent() > 0 && !map.isEmpty();
        String base = indented ? "\n" + " ".repeat(o.indent() * depth) : "";
        String children = indented ? base + " ".repeat(o.indent()) : "";
        budget.append(sb, "{");
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!first) budget.append(sb, o.itemSeparator());
            first = false;
            budget.append(sb, children + quote((String) e.getKey(), o.ensureAscii()) + o.keySeparator());
            write(sb, e.getValue(), o, depth + 1, budget);
        }
        budget.append(sb, base + "}");
    }

    /** {@code JSON.stringify} of a string, then (for ensure_ascii) every char from U+007F up as \\uXXXX. */
    static String quote(String s, boolean ensureAscii) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    boolean pairedSurrogate = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                            || Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
                    boolean loneSurrogate = Character.isSurrogate(c) && !pairedSurrogate;
                    if (c < 0x20 || loneSurrogate || ensureAscii && c >= 0x7F) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
