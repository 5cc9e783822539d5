package dev.muse.text.template;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The names every template starts with: the constants, and the few functions chat templates call —
 * {@code raise_exception}, {@code range}, {@code namespace}, {@code dict}, {@code strftime_now}.
 */
final class Globals {
    private Globals() {}

    static void install(Scope root, Clock clock, Budget budget) {
        root.set("true", true);
        root.set("false", false);
        root.set("none", null);
        root.set("True", true);
        root.set("False", false);
        root.set("None", null);
        root.set("raise_exception", (TemplateFunction) (args, kw, scope) -> {
            throw TemplateException.raised(args.isEmpty() ? "undefined" : Values.concatText(args.getFirst(), budget));
        });
        root.set("range", (TemplateFunction) (args, kw, scope) -> range(args, kw, budget));
        root.set("namespace", (TemplateFunction) (args, kw, scope) -> namespace(args, kw));
        root.set("dict", (TemplateFunction) (args, kw, scope) -> dict(args, kw));
        root.set("strftime_now", (TemplateFunction) (args, kw, scope) -> {
            if (args.size() != 1 || !(args.getFirst() instanceof String format) || !kw.isEmpty()) {
                throw new TemplateException("strftime_now() takes one format string");
            }
            return strftime(ZonedDateTime.now(clock), format);
        });
    }

    private static List<Object> range(List<Object> args, Map<String, Object> kw, Budget budget) {
        if (args.isEmpty() || args.size() > 3 || !kw.isEmpty()) throw new TemplateException("range() takes 1 to 3 integer arguments");
        long[] n = new long[args.size()];
        for (int i = 0; i < n.length; i++) {
            if (!(args.get(i) instanceof Long l)) throw new TemplateException("range() arguments must be integers, got " + Values.typeName(args.get(i)));
            n[i] = l;
        }
        long start = n.length == 1 ? 0 : n[0], stop = n.length == 1 ? n[0] : n[1], step = n.length == 3 ? n[2] : 1;
        if (step == 0) throw new TemplateException("range() step must not be zero");
        long count = step > 0 ? Math.max(0, (stop - start + step - 1) / step) : Math.max(0, (start - stop - step - 1) / -step);
        budget.items(count);
        List<Object> out = new ArrayList<>((int) count);
        for (long i = 0, v = start; i < count; i++, v += step) out.add(v);
        return out;
    }

    /** {@code namespace()}, {@code namespace(mapping)}, {@code namespace([[k, v], ...])}, plus keywords. */
    private static Namespace namespace(List<Object> args, Map<String, Object> kw) {
        if (args.size() > 1) throw new TemplateException("namespace() takes at most 1 positional argument");
        Namespace ns = new Namespace();
        if (!args.isEmpty()) copyEntries(args.getFirst(), ns.attributes, "namespace");
        ns.attributes.putAll(kw);
        return ns;
    }

    /** {@code dict(a=1)}, {@code dict(mapping)} or {@code dict(pairs)}: a new mapping. */
    private static Map<String, Object> dict(List<Object> args, Map<String, Object> kw) {
        if (args.size() > 1) throw new TemplateException("dict() takes at most 1 positional argument");
        Map<String, Object> out = new LinkedHashMap<>();
        if (!args.isEmpty()) copyEntries(args.getFirst(), out, "dict");
        out.putAll(kw);
        return out;
    }

    private static void copyEntries(Object source, Map<String, Object> into, String what) {
        if (source instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) into.put((String) e.getKey(), e.getValue());
        } else if (source instanceof List<?> pairs) {
            for (Object pair : pairs) {
                if (!(pair instanceof List<?> kv && kv.size() == 2 && kv.get(0) instanceof String key)) {
                    throw new TemplateException(what + "() expects a mapping or a list of [key, value] pairs");
                }
                into.put(key, kv.get(1));
            }
        } else {
            throw new TemplateException(what + "() expects a mapping or a list of [key, value] pairs");
        }
    }

    /**
     * The directives the reference implements (%Y %m %d %b %B %H %M %%), with English month names.
     * Other directives are refused: the reference would leave them in the prompt unreplaced, while
     * Python would expand them, and neither is worth guessing.
     */
    static String strftime(ZonedDateTime t, String format) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            char d = ++i < format.length() ? format.charAt(i) : ' ';
            switch (d) {
                case 'Y' -> sb.append(t.getYear());
                case 'm' -> sb.append(String.format("%02d", t.getMonthValue()));
                case 'd' -> sb.append(String.format("%02d", t.getDayOfMonth()));
                case 'b' -> sb.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.US));
                case 'B' -> sb.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.US));
                case 'H' -> sb.append(String.format("%02d", t.getHour()));
                case 'M' -> sb.append(String.format("%02d", t.getMinute()));
                case '%' -> sb.append('%');
                default -> throw new TemplateException("strftime_now(): unsupported directive '%" + (i < format.length() ? String.valueOf(d) : "") + "'");
            }
        }
        return sb.toString();
    }
}
