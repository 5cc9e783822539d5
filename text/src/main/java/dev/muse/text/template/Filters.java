package dev.muse.text.template;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The whitelisted filters ({@code x | name(args)}). Behaviour follows the reference implementation,
 * including which operand types each filter accepts; a few Jinja filters that the reference lacks
 * ({@code count}, {@code d}, {@code escape}, {@code round}, {@code wordcount}, {@code select},
 * {@code min}, ...) are implemented as Python's Jinja defines them. Unknown filters are errors.
 */
final class Filters {
    private final Budget budget;

    Filters(Budget budget) {
        this.budget = budget;
    }

    /** @param called whether the filter was written with parentheses; the reference treats a few differently */
    Object apply(String name, Object v, List<Object> args, Map<String, Object> kw, boolean called) {
        budget.step();
        switch (name) {
            case "safe" -> { return v; }
            case "tojson" -> { return tojson(v, args, kw); }
            case "default", "d" -> {
                Object fallback = Methods.arg(args, kw, 0, "default_value", "");
                Object onFalsy = Methods.arg(args, kw, 1, "boolean", false);
                if (!(onFalsy instanceof Boolean b)) throw new TemplateException("default() boolean flag must be a boolean");
                return v == Undefined.VALUE || b && !Values.truthy(v) ? fallback : v;
            }
            case "int", "float" -> { return number(name, v, args, kw, called); }
            default -> { }
        }
        Object result = switch (v) {
            case List<?> list -> ofList(name, list, args, kw);
            case String s -> ofString(name, s, args, kw);
            case Map<?, ?> map -> ofMapping(name, asMapping(map), args, kw);
            case Long l -> ofNumber(name, l, args, kw);
            case Double d -> ofNumber(name, d, args, kw);
            case Undefined u -> ofUndefined(name, args, kw);
            case Boolean b -> switch (name) {
                case "bool" -> b;
                case "string" -> b.toString();
                default -> null;
            };
            case null, default -> null;
        };
        if (result != null) return result;
        if (!KNOWN.contains(name)) throw new TemplateException("unknown filter '" + name + "'");
        throw new TemplateException("filter '" + name + "' cannot be applied to " + Values.describe(v));
    }

    private static final java.util.Set<String> KNOWN = java.util.Set.of(
            "abs", "bool", "capitalize", "count", "dictsort", "e", "escape", "first", "indent", "items", "join", "last",
            "length", "list", "lower", "map", "max", "min", "reject", "rejectattr", "replace", "reverse", "round", "select",
            "selectattr", "sort", "string", "title", "trim", "unique", "upper", "wordcount");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMapping(Map<?, ?> map) { return (Map<String, Object>) map; }

    private Object ofList(String name, List<?> list, List<Object> args, Map<String, Object> kw) {
        return switch (name) {
            case "list" -> list;
            case "length", "count" -> (long) list.size();
            case "first" -> list.isEmpty() ? Undefined.VALUE : list.getFirst();
            case "last" -> list.isEmpty() ? Undefined.VALUE : list.getLast();
            case "reverse" -> { budget.items(list.size()); List<Object> r = new ArrayList<>(list); Collections.reverse(r); yield r; }
            case "string" -> Values.display(list, budget);
            case "join" -> {
                Object separator = Methods.arg(args, kw, 0, "separator", "");
                if (!(separator instanceof String sep)) throw new TemplateException("join() separator must be a string");
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) budget.append(sb, sep);
                    budget.append(sb, Values.joinText(list.get(i), budget));
                }
                yield sb.toString();
            }
            case "unique" -> {
                LinkedHashMap<Object, Object> seen = new LinkedHashMap<>();
                for (Object item : list) { budget.step(); seen.putIfAbsent(Values.identityKey(item), item); }
                yield new ArrayList<>(seen.values());
            }
            case "sort" -> sort(list, args, kw);
            case "min", "max" -> {
                if (list.isEmpty()) yield Undefined.VALUE;
                Object best = list.getFirst();
                for (Object item : list) {
                    int c = Values.compare(item, best, false);
                    if (name.equals("min") ? c < 0 : c > 0) best = item;
                }
                yield best;
            }
            case "selectattr", "rejectattr" -> selectAttribute(list, args, name.equals("selectattr"));
            case "select", "reject" -> {
                List<Object> out = new ArrayList<>();
                for (Object item : list) {
                    budget.step();
                    boolean pass = args.isEmpty() ? Values.truthy(item)
                            : Tests.test(text(args.getFirst(), "test name"), item, args.subList(1, args.size()));
                    if (pass == name.equals("select")) out.add(item);
                }
                yield out;
            }
            case "map" -> map(list, args, kw);
            default -> null;
        };
    }

    private Object ofString(String name, String s, List<Object> args, Map<String, Object> kw) {
        return switch (name) {
            case "length", "count" -> (long) s.length();
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> Strings.title(s);
            case "capitalize" -> Strings.capitalize(s);
            case "trim" -> Strings.strip(s, args.isEmpty() || args.getFirst() == null ? null : text(args.getFirst(), "trim() argument"), true, true);
            case "string" -> s;
            case "join" -> {
                Object separator = Methods.arg(args, kw, 0, "separator", "");
                if (!(separator instanceof String sep)) throw new TemplateException("join() separator must be a string");
                StringBuilder sb = new StringBuilder();
                s.codePoints().forEach(cp -> { if (!sb.isEmpty()) sb.append(sep); sb.appendCodePoint(cp); });
                yield budget.string(sb.toString());
            }
            case "indent" -> indent(s, Methods.arg(args, kw, 0, "width", 4L), Methods.arg(args, kw, 1, "first", false), Methods.arg(args, kw, 2, "blank", false));
            case "replace" -> {
                if (args.size() < 2) throw new TemplateException("replace() requires at least two arguments");
                yield Strings.replace(s, args.get(0), args.get(1), Methods.arg(args, kw, 2, "count", null), budget);
            }
            case "list" -> { budget.items(s.length()); yield new ArrayList<Object>(s.codePoints().mapToObj(Character::toString).toList()); }
            case "reverse" -> new StringBuilder(s).reverse().toString();
            case "wordcount" -> WORD.matcher(s).results().count();
            case "e", "escape" -> s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;").replace("'", "&#39;");
            default -> null;
        };
    }

    private static final Pattern WORD = Pattern.compile("\\w+", Pattern.UNICODE_CHARACTER_CLASS);

    private Object ofMapping(String name, Map<String, Object> map, List<Object> args, Map<String, Object> kw) {
        return switch (name) {
            case "items" -> Methods.items(map, budget);
            case "length", "count" -> (long) map.size();
            case "list" -> { budget.items(map.size()); yield new ArrayList<Object>(map.keySet()); }
            default -> {
                // The reference falls back to the mapping's methods: d|dictsort, d|keys, d|get('k').
                Object method = Methods.ofMapping(map, name, budget);
                yield method == null ? null : ((TemplateFunction) method).call(args, kw, null);
            }
        };
    }

    /**
     * Python's Jinja (what transformers runs) treats an undefined value as an empty string or an
     * empty sequence in these filters, so "param.description | trim" works for a parameter without a
     * description; the reference fails instead. Other filters still fail on undefined.
     */
    private Object ofUndefined(String name, List<Object> args, Map<String, Object> kw) {
        return switch (name) {
            case "length", "count", "wordcount" -> 0L;
            case "items", "list" -> new ArrayList<>();
            case "trim", "upper", "lower", "title", "capitalize", "string", "e", "escape" -> ofString(name, "", args, kw);
            default -> null;
        };
    }

    private Object ofNumber(String name, Object n, List<Object> args, Map<String, Object> kw) {
        return switch (name) {
            case "abs" -> n instanceof Long l ? (Object) Math.abs(l) : (Object) Math.abs((Double) n);
            case "string" -> Values.display(n, budget);
            case "round" -> round(n, Methods.arg(args, kw, 0, "precision", 0L), Methods.arg(args, kw, 1, "method", "common"));
            default -> null;
        };
    }

    /**
     * int and float. Bare {@code |int} floors floats; the reference's {@code int(default)} form returns
     * a number operand unchanged, and both parse strings with JavaScript's parseInt/parseFloat.
     */
    private Object number(String name, Object v, List<Object> args, Map<String, Object> kw, boolean called) {
        boolean toInt = name.equals("int");
        Object fallback = called ? Methods.arg(args, kw, 0, "default", toInt ? (Object) 0L : (Object) 0.0) : toInt ? (Object) 0L : (Object) 0.0;
        return switch (v) {
            case String s -> {
                if (toInt) {
                    Long parsed = Js.parseInt(s);
                    yield parsed == null ? fallback : parsed;
                }
                double parsed = Js.parseFloat(s);
                yield Double.isNaN(parsed) ? fallback : (Object) Values.checkedFloat(parsed);
            }
            case Long l -> called || toInt ? l : (Object) l.doubleValue();
            case Double d -> called || !toInt ? (Object) d : Values.safeInteger(Math.floor(d));
            case Boolean b -> toInt ? (Object) (b ? 1L : 0L) : (Object) (b ? 1.0 : 0.0);
            case null, default -> throw new TemplateException("filter '" + name + "' cannot be applied to " + Values.describe(v));
        };
    }

    private Object tojson(Object v, List<Object> args, Map<String, Object> kw) {
        if (!args.isEmpty()) throw new TemplateException("tojson() takes keyword arguments only (indent=..., ensure_ascii=...)");
        Object indent = kw.getOrDefault("indent", null), ascii = kw.getOrDefault("ensure_ascii", false);
        Object sortKeys = kw.getOrDefault("sort_keys", false), separators = kw.getOrDefault("separators", null);
        if (indent != null && !(indent instanceof Long n && n >= 0 && n <= 64)) throw new TemplateException("tojson() indent must be a small integer");
        if (!(ascii instanceof Boolean ensureAscii)) throw new TemplateException("tojson() ensure_ascii must be a boolean");
        // The reference sorts keys with localeCompare (ICU collation), which Java cannot reproduce exactly.
        if (!Boolean.FALSE.equals(sortKeys)) throw new TemplateException("tojson(sort_keys=true) is not supported");
        String itemSeparator = null, keySeparator = null;
        if (separators != null) {
            if (!(separators instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof String a && pair.get(1) instanceof String b)) {
                throw new TemplateException("tojson() separators must be a pair of strings");
            }
            itemSeparator = a;
            keySeparator = b;
        }
        int spaces = indent == null ? 0 : (int) (long) (Long) indent;
        return Json.encode(v, Json.Options.of(spaces, ensureAscii, itemSeparator, keySeparator), budget);
    }

    private Object sort(List<?> list, List<Object> args, Map<String, Object> kw) {
        Object reverse = Methods.arg(args, kw, 0, "reverse", false), caseSensitive = Methods.arg(args, kw, 1, "case_sensitive", false);
        Object attribute = Methods.arg(args, kw, 2, "attribute", null);
        if (!(reverse instanceof Boolean descending) || !(caseSensitive instanceof Boolean exact)) {
            throw new TemplateException("sort() reverse and case_sensitive must be booleans");
        }
        if (attribute != null && !(attribute instanceof String || attribute instanceof Long)) {
            throw new TemplateException("sort() attribute must be a string or an integer");
        }
        budget.items(list.size() * 8L);
        List<Object> out = new ArrayList<>(list);
        out.sort((a, b) -> {
            Object x = attribute == null ? a : attributePath(a, attribute.toString()), y = attribute == null ? b : attributePath(b, attribute.toString());
            int c = Values.compare(x, y, exact);
            return descending ? -c : c;
        });
        return out;
    }

    static List<Object> dictsort(Map<String, Object> map, List<Object> args, Map<String, Object> kw, Budget budget) {
        Object caseSensitive = Methods.arg(args, kw, 0, "case_sensitive", false), by = Methods.arg(args, kw, 1, "by", "key");
        Object reverse = Methods.arg(args, kw, 2, "reverse", false);
        if (!(caseSensitive instanceof Boolean exact) || !(reverse instanceof Boolean descending)) {
            throw new TemplateException("dictsort() case_sensitive and reverse must be booleans");
        }
        if (!"key".equals(by) && !"value".equals(by)) throw new TemplateException("dictsort() by must be 'key' or 'value'");
        int index = "key".equals(by) ? 0 : 1;
        List<Object> items = Methods.items(map, budget);
        budget.items(items.size() * 8L);
        items.sort((a, b) -> {
            int c = Values.compare(((List<?>) a).get(index), ((List<?>) b).get(index), exact);
            return descending ? -c : c;
        });
        return items;
    }

    private Object selectAttribute(List<?> list, List<Object> args, boolean select) {
        if (args.isEmpty()) throw new TemplateException((select ? "selectattr" : "rejectattr") + "() needs an attribute name");
        String attribute = text(args.getFirst(), "attribute name");
        String test = args.size() > 1 ? text(args.get(1), "test name") : null;
        for (Object item : list) {
            if (!(item instanceof Map || item instanceof Namespace)) throw new TemplateException("selectattr/rejectattr need a list of mappings");
        }
        List<Object> out = new ArrayList<>();
        for (Object item : list) {
            budget.step();
            Map<?, ?> map = item instanceof Namespace ns ? ns.attributes : (Map<?, ?>) item;
            boolean pass = false;
            if (map.containsKey(attribute)) {
                Object value = map.get(attribute);
                pass = test == null ? Values.truthy(value) : Tests.test(test, value, args.subList(2, args.size()));
            }
            if (pass == select) out.add(item);
        }
        return out;
    }

    private Object map(List<?> list, List<Object> args, Map<String, Object> kw) {
        List<Object> out = new ArrayList<>(list.size());
        if (kw.containsKey("attribute")) {
            if (!(kw.get("attribute") instanceof String attribute)) throw new TemplateException("map() attribute must be a string");
            for (Object item : list) {
                budget.step();
                if (!(item instanceof Map || item instanceof Namespace)) throw new TemplateException("map(attribute=) needs a list of mappings");
                Object value = attributePath(item, attribute);
                out.add(value == Undefined.VALUE && kw.containsKey("default") ? kw.get("default") : value);
            }
        } else if (!args.isEmpty()) { // map('filter', args...)
            String filter = text(args.getFirst(), "filter name");
            List<Object> rest = args.subList(1, args.size());
            for (Object item : list) out.add(apply(filter, item, rest, kw, !rest.isEmpty() || !kw.isEmpty()));
        } else {
            throw new TemplateException("map() needs attribute= or a filter name");
        }
        return out;
    }

    /** {@code a.b.0}: mapping keys and list indexes along a dotted path; anything missing is undefined. */
    private static Object attributePath(Object item, String path) {
        Object value = item;
        for (String part : path.split("\\.", -1)) {
            if (value instanceof Map<?, ?> m) {
                value = m.containsKey(part) ? m.get(part) : Undefined.VALUE;
            } else if (value instanceof Namespace ns) {
                value = ns.attributes.containsKey(part) ? ns.attributes.get(part) : Undefined.VALUE;
            } else if (value instanceof List<?> l) {
                Long index = Js.parseInt(part);
                value = index != null && index >= 0 && index < l.size() ? l.get((int) (long) index) : Undefined.VALUE;
            } else {
                return Undefined.VALUE;
            }
        }
        return value;
    }

    private String indent(String s, Object width, Object first, Object blank) {
        if (!(width instanceof Long w) || w < 0) throw new TemplateException("indent() width must be a non-negative integer");
        budget.chars(s.length() + w * (s.chars().filter(c -> c == '\n').count() + 1));
        String pad = " ".repeat((int) (long) w);
        String[] lines = s.split("\n", -1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) sb.append('\n');
            boolean skip = i == 0 && !Values.truthy(first) || lines[i].isEmpty() && !Values.truthy(blank);
            sb.append(skip ? "" : pad).append(lines[i]);
        }
        return sb.toString();
    }

    /** Jinja's round: half-even on the exact binary value ("common"), or "ceil" / "floor". */
    private static Object round(Object n, Object precision, Object method) {
        if (!(precision instanceof Long digits) || Math.abs(digits) > 300) throw new TemplateException("round() precision must be an integer");
        RoundingMode mode = switch (String.valueOf(method)) {
            case "common" -> RoundingMode.HALF_EVEN;
            case "ceil" -> RoundingMode.CEILING;
            case "floor" -> RoundingMode.FLOOR;
            default -> throw new TemplateException("round() method must be 'common', 'ceil' or 'floor'");
        };
        if (n instanceof Long l && mode == RoundingMode.HALF_EVEN && digits >= 0) return l;
        double rounded = new BigDecimal(((Number) n).doubleValue()).setScale((int) (long) digits, mode).doubleValue();
        return Values.checkedFloat(rounded);
    }

    private static String text(Object v, String what) {
        if (!(v instanceof String s)) throw new TemplateException(what + " must be a string");
        return s;
    }
}
