package dev.muse.text.template;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The {@code is} tests ({@code x is defined}, {@code x is string}, ...), also used by selectattr and select. */
final class Tests {
    private Tests() {}

    static boolean test(String name, Object v, List<Object> args) {
        return switch (name) {
            case "defined" -> v != Undefined.VALUE;
            case "undefined" -> v == Undefined.VALUE;
            case "none" -> v == null;
            case "boolean" -> v instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(v);
            case "false" -> Boolean.FALSE.equals(v);
            case "string" -> v instanceof String;
            case "number" -> Values.isNumber(v);
            case "integer" -> v instanceof Long;
            case "float" -> v instanceof Double;
            case "mapping" -> v instanceof Map;
            case "iterable" -> v instanceof List || v instanceof String;
            case "sequence" -> v instanceof List || v instanceof Map || v instanceof String;
            case "callable" -> v instanceof TemplateFunction;
            case "lower" -> v instanceof String s && s.equals(s.toLowerCase(Locale.ROOT));
            case "upper" -> v instanceof String s && s.equals(s.toUpperCase(Locale.ROOT));
            case "odd" -> integer(name, v) % 2 != 0;
            case "even" -> integer(name, v) % 2 == 0;
            case "divisibleby" -> {
                long divisor = integer(name, argument(name, args));
                if (divisor == 0) throw new TemplateException("divisibleby 0");
                yield integer(name, v) % divisor == 0;
            }
            case "equalto", "eq", "sameas" -> Values.strictEquals(v, argument(name, args));
            case "ne" -> !Values.strictEquals(v, argument(name, args));
            default -> throw new TemplateException("unknown test '" + name + "'");
        };
    }

    private static long integer(String test, Object v) {
        if (!(v instanceof Long l)) throw new TemplateException("test '" + test + "' needs an integer, got " + Values.typeName(v));
        return l;
    }

    private static Object argument(String test, List<Object> args) {
        if (args.size() != 1) throw new TemplateException("test '" + test + "' takes one argument");
        return args.getFirst();
    }
}
