package dev.muse.text.template;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The template value model and its conversions. Values are Java {@code String}, {@code Long},
 * {@code Double}, {@code Boolean}, {@code null} (none), {@link Undefined}, {@code List}, {@code Map}
 * with string keys (insertion-ordered), {@link Namespace} and {@link TemplateFunction}. Nothing else
 * can enter a render, so a template never holds a reference to an arbitrary Java object.
 *
 * <p>Truthiness, printing, equality and ordering follow the reference implementation
 * ({@code @huggingface/jinja}), because templates' output depends on them.
 */
final class Values {
    private Values() {}

    /** Integers stay exact in the reference only up to 2^53 (JavaScript numbers); past that we refuse. */
    static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    static Long safeInteger(double d) {
        if (Double.isNaN(d) || Math.abs(d) > MAX_SAFE_INTEGER) {
            throw new TemplateException("integer out of the exactly representable range (|n| < 2^53)");
        }
        return (long) d;
    }

    static long checkedInteger(long v) {
        if (Math.abs(v) > MAX_SAFE_INTEGER) {
            throw new TemplateException("integer out of the exactly representable range (|n| < 2^53)");
        }
        return v;
    }

    static double checkedFloat(double d) {
        if (!Double.isFinite(d)) throw new TemplateException("arithmetic result is not a finite number");
        return d;
    }

    static String typeName(Object v) {
        return switch (v) {
            case null -> "none";
            case String s -> "string";
            case Long l -> "integer";
            case Double d -> "float";
            case Boolean b -> "boolean";
            case Undefined u -> "undefined";
            case Tuple t -> "tuple";
            case List<?> l -> "list";
            case Map<?, ?> m -> "mapping";
            case Namespace n -> "namespace";
            case TemplateFunction f -> "function";
            default -> throw new IllegalStateException("not a template value: " + v.getClass().getName());
        };
    }

    /** The type with an article, for messages: "an integer", "a mapping", "none". */
    static String describe(Object v) {
        if (v == null) return "none";
        if (v == Undefined.VALUE) return "an undefined value";
        String name = typeName(v);
        return ("aeiou".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
    }

    static boolean isNumber(Object v) { return v instanceof Long || v instanceof Double; }

    static boolean truthy(Object v) {
        return switch (v) {
            case null -> false;
            case Undefined u -> false;
            case Boolean b -> b;
            case String s -> !s.isEmpty();
            case Long l -> l != 0;
            case Double d -> d != 0 && !d.isNaN();
            case List<?> l -> !l.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            default -> true; // namespaces and functions
        };
    }

    /** How a value prints in {@code {{ }}}: floats keep ".0", booleans are lowercase, containers are JSON. */
    static String display(Object v, Budget budget) {
        return switch (v) {
            case null -> "null";
            case String s -> s;
            case Long l -> l.toString();
            case Double d -> displayFloat(d);
            case Boolean b -> b.toString();
            case Undefined u -> "undefined";
            case List<?> l -> Json.display(l, budget);
            case Map<?, ?> m -> Json.display(m, budget);
            case Namespace n -> Json.display(n, budget);
            default -> throw new TemplateException("cannot print " + describe(v));
        };
    }

    static String displayFloat(double d) {
        if (d == 0 && 1 / d < 0) return "-0.0";
        return d % 1 == 0 ? Js.wholeFloatToString(d) : Js.numberToString(d);
    }

    /**
     * The text a value contributes to {@code ~}, string {@code +} and {@code join}: the reference
     * converts the underlying JavaScript value, so floats lose ".0", lists join their printed items
     * with commas and mappings become "[object Map]".
     */
    static String concatText(Object v, Budget budget) {
        return switch (v) {
            case String s -> s;
            case Long l -> l.toString();
            case Double d -> Js.numberToString(d);
            case Boolean b -> b.toString();
            case List<?> l -> {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) budget.append(sb, ",");
                    budget.append(sb, display(l.get(i), budget));
                }
                yield sb.toString();
            }
            case Map<?, ?> m -> "[object Map]";
            case Namespace n -> "[object Map]";
            case null -> "null";
            case Undefined u -> "undefined";
            default -> throw new TemplateException("cannot convert " + describe(v) + " to text");
        };
    }

    /** {@code Array.prototype.join} treats none and undefined items as empty. */
    static String joinText(Object v, Budget budget) {
        return v == null || v == Undefined.VALUE ? "" : concatText(v, budget);
    }

    /** {@code ==} of the reference: JavaScript loose equality of the underlying values. */
    static boolean looseEquals(Object a, Object b, Budget budget) {
        boolean aNullish = a == null || a == Undefined.VALUE, bNullish = b == null || b == Undefined.VALUE;
        if (aNullish || bNullish) return aNullish && bNullish;
        if (isContainer(a) && isContainer(b)) return a == b;
        if (a instanceof Boolean x) return looseEquals(x ? 1L : 0L, b, budget);
        if (b instanceof Boolean y) return looseEquals(a, y ? 1L : 0L, budget);
        if (isContainer(a)) return looseEquals(toPrimitive(a, budget), b, budget);
        if (isContainer(b)) return looseEquals(a, toPrimitive(b, budget), budget);
        if (a instanceof String s && b instanceof String t) return s.equals(t);
        return toDouble(a) == toDouble(b);
    }

    private static boolean isContainer(Object v) {
        return v instanceof List || v instanceof Map || v instanceof Namespace || v instanceof TemplateFunction;
    }

    private static String toPrimitive(Object container, Budget budget) {
        if (container instanceof TemplateFunction) throw new TemplateException("cannot compare a function");
        return concatText(container, budget);
    }

    private static double toDouble(Object v) {
        return switch (v) {
            case Long l -> l;
            case Double d -> d;
            case String s -> Js.toNumber(s);
            default -> throw new IllegalStateException(typeName(v));
        };
    }

    /** {@code ===} of the underlying values: used by {@code in}, {@code unique} and the eq test. */
    static boolean strictEquals(Object a, Object b) {
        if (isNumber(a) && isNumber(b)) return ((Number) a).doubleValue() == ((Number) b).doubleValue();
        if (a instanceof String || a instanceof Boolean) return a.equals(b);
        return a == b; // none, undefined, and containers by identity
    }

    /** A key with the same equality as {@link #strictEquals}, for hashing. */
    static Object identityKey(Object v) {
        if (isNumber(v)) return ((Number) v).doubleValue();
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Undefined) return v == null ? NullKey.NULL : v;
        return new IdentityKey(v);
    }

    private enum NullKey { NULL }

    private record IdentityKey(Object value) {
        @Override public boolean equals(Object o) { return o instanceof IdentityKey k && k.value == value; }
        @Override public int hashCode() { return System.identityHashCode(value); }
    }

    /** Ordering for sort and dictsort: numbers (and booleans) by value, strings by UTF-16 units. */
    static int compare(Object a, Object b, boolean caseSensitive) {
        if (a == null && b == null || a == Undefined.VALUE && b == Undefined.VALUE) return 0;
        if (a == null || b == null || a == Undefined.VALUE || b == Undefined.VALUE) {
            throw new TemplateException("cannot compare " + typeName(a) + " with " + typeName(b));
        }
        if (isNumericLike(a) && isNumericLike(b)) return Double.compare(numeric(a), numeric(b)) ;
        if (a instanceof String s && b instanceof String t) {
            if (!caseSensitive) {
                s = s.toLowerCase(java.util.Locale.ROOT);
                t = t.toLowerCase(java.util.Locale.ROOT);
            }
            return Integer.signum(s.compareTo(t));
        }
        throw new TemplateException("cannot compare " + typeName(a) + " with " + typeName(b));
    }

    static boolean isNumericLike(Object v) { return isNumber(v) || v instanceof Boolean; }

    static double numeric(Object v) {
        return v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).doubleValue();
    }

    /**
     * Copies a caller's context value into the template value model: integers widen to Long, floats to
     * Double, maps and lists are copied (so the template cannot alter the caller's objects). Anything
     * else is refused, which is what keeps Java objects, and their methods, out of reach.
     */
    static Object fromJava(Object v, int depth, RenderLimits limits) {
        if (depth > limits.maxValueDepth()) throw new IllegalArgumentException("context nested too deeply (cyclic?)");
        return switch (v) {
            case null -> null;
            case String s -> s;
            case Long l -> l;
            case Integer i -> i.longValue();
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case Double d -> d;
            case Float f -> f.doubleValue();
            case Boolean b -> b;
            case Undefined u -> u;
            case List<?> list -> {
                List<Object> copy = new ArrayList<>(list.size());
                for (Object item : list) copy.add(fromJava(item, depth + 1, limits));
                yield Collections.unmodifiableList(copy);
            }
            case Map<?, ?> map -> {
                Map<String, Object> copy = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!(e.getKey() instanceof String key)) {
                        throw new IllegalArgumentException("context map keys must be strings, got " + e.getKey());
                    }
                    copy.put(key, fromJava(e.getValue(), depth + 1, limits));
                }
                yield Collections.unmodifiableMap(copy);
            }
            default -> throw new IllegalArgumentException("unsupported context value type: " + v.getClass().getName());
        };
    }
}
