package dev.muse.text.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The whitelist of methods a template may call on values: Python's string methods that chat
 * templates use, and a mapping's {@code get/items/keys/values}. A name not listed here is simply
 * undefined, exactly as for a missing key; no other Java method is ever reachable.
 */
final class Methods {
    private Methods() {}

    /** A string's method or its {@code length} property, or null. */
    static Object ofString(String s, String name, Budget budget) {
        return switch (name) {
            case "length" -> (long) s.length();
            case "upper" -> noArgs(name, () -> s.toUpperCase(Locale.ROOT));
            case "lower" -> noArgs(name, () -> s.toLowerCase(Locale.ROOT));
            case "title" -> noArgs(name, () -> Strings.title(s));
            case "capitalize" -> noArgs(name, () -> Strings.capitalize(s));
            case "strip" -> (TemplateFunction) (args, kw, scope) -> Strings.strip(s, chars(args), true, true);
            case "lstrip" -> (TemplateFunction) (args, kw, scope) -> Strings.strip(s, chars(args), true, false);
            case "rstrip" -> (TemplateFunction) (args, kw, scope) -> Strings.strip(s, chars(args), false, true);
            case "startswith" -> (TemplateFunction) (args, kw, scope) -> affix(s, args, true);
            case "endswith" -> (TemplateFunction) (args, kw, scope) -> affix(s, args, false);
            case "split" -> (TemplateFunction) (args, kw, scope) -> split(s, arg(args, kw, 0, "sep", null), arg(args, kw, 1, "maxsplit", -1L), budget);
            case "replace" -> (TemplateFunction) (args, kw, scope) -> {
                if (args.size() < 2) throw new TemplateException("replace() requires at least two arguments");
                return Strings.replace(s, args.get(0), args.get(1), arg(args, kw, 2, "count", null), budget);
            };
            case "format" -> (TemplateFunction) (args, kw, scope) -> Strings.format(s, args, kw, budget);
            default -> null;
        };
    }

    /** A mapping's method, or null. Keys of the mapping itself take precedence (checked by the caller). */
    static Object ofMapping(Map<String, Object> map, String name, Budget budget) {
        return switch (name) {
            case "get" -> (TemplateFunction) (args, kw, scope) -> {
                if (args.isEmpty() || !(args.getFirst() instanceof String key)) {
                    throw new TemplateException("get() needs a string key");
                }
                if (args.size() > 2 || !kw.isEmpty()) throw new TemplateException("get() takes a key and an optional default");
                if (map.containsKey(key)) return map.get(key);
                return args.size() > 1 ? args.get(1) : null;
            };
            case "items" -> noArgs(name, () -> items(map, budget));
            case "keys" -> noArgs(name, () -> { budget.items(map.size()); return new ArrayList<Object>(map.keySet()); });
            case "values" -> noArgs(name, () -> { budget.items(map.size()); return new ArrayList<>(map.values()); });
            case "dictsort" -> (TemplateFunction) (args, kw, scope) -> Filters.dictsort(map, args, kw, budget);
            default -> null;
        };
    }

    /** Lists have only the {@code length} property. */
    static Object ofList(List<?> list, String name) {
        return name.equals("length") ? (Object) (long) list.size() : null;
    }

    static List<Object> items(Map<String, Object> map, Budget budget) {
        budget.items(map.size() * 3L);
        List<Object> out = new ArrayList<>(map.size());
        for (Map.Entry<String, Object> e : map.entrySet()) {
            List<Object> pair = new ArrayList<>(2);
            pair.add(e.getKey());
            pair.add(e.getValue());
            out.add(pair);
        }
        return out;
    }

    private static TemplateFunction noArgs(String name, java.util.function.Supplier<Object> body) {
        return (args, kw, scope) -> {
            if (!args.isEmpty() || !kw.isEmpty()) throw new TemplateException(name + "() takes no arguments");
            return body.get();
        };
    }

    /** Positional argument i, else the keyword, else the default. */
    static Object arg(List<Object> args, Map<String, Object> kw, int i, String keyword, Object fallback) {
        if (i < args.size()) return args.get(i);
        return kw.containsKey(keyword) ? kw.get(keyword) : fallback;
    }

    private static String chars(List<Object> args) {
        if (args.isEmpty() || args.getFirst() == null) return null;
        if (args.size() > 1 || !(args.getFirst() instanceof String chars)) throw new TemplateException("strip() argument must be a string or none");
        return chars;
    }

    private static boolean affix(String s, List<Object> args, boolean prefix) {
        String name = prefix ? "startswith" : "endswith";
        if (args.isEmpty()) throw new TemplateException(name + "() requires an argument");
        List<?> candidates = switch (args.getFirst()) {
            case String one -> List.of(one);
            case List<?> many -> many;
            default -> throw new TemplateException(name + "() argument must be a string or a tuple of strings");
        };
        for (Object c : candidates) {
            if (!(c instanceof String affix)) throw new TemplateException(name + "() tuple elements must be strings");
            if (prefix ? s.startsWith(affix) : s.endsWith(affix)) return true;
        }
        return false;
    }

    private static final Pattern NON_WHITESPACE = Pattern.compile("[^" + Js.WHITESPACE_CLASS.substring(1) + "+");

    /** Python's {@code str.split(sep=None, maxsplit=-1)}. */
    private static List<Object> split(String s, Object sep, Object maxsplit, Budget budget) {
        if (!(maxsplit instanceof Long max) || max < -1) throw new TemplateException("split() maxsplit must be an integer >= -1");
        List<Object> out = new ArrayList<>();
        if (sep == null) { // runs of whitespace
            String text = Js.trimStart(s);
            Matcher m = NON_WHITESPACE.matcher(text);
            while (m.find()) {
                budget.step();
                if (max != -1 && out.size() >= max) {
                    out.add(text.substring(m.start()));
                    break;
                }
                out.add(m.group());
            }
        } else if (sep instanceof String separator) {
            if (separator.isEmpty()) throw new TemplateException("split() separator must not be empty");
            int from = 0;
            while (true) {
                budget.step();
                int at = s.indexOf(separator, from);
                if (at < 0 || max != -1 && out.size() >= max) {
                    out.add(s.substring(from));
                    break;
                }
                out.add(s.substring(from, at));
                from = at + separator.length();
            }
        } else {
            throw new TemplateException("split() separator must be a string or none");
        }
        budget.items(out.size());
        return out;
    }
}
