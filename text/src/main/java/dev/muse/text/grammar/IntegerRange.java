package dev.muse.text.grammar;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The integers a schema allows between its bounds ({@code minimum}, {@code maximum}, {@code exclusiveMinimum},
 * {@code exclusiveMaximum}; a fractional bound rounds inwards), written as GBNF over their decimal digits, as llama.cpp's
 * json-schema-to-grammar does: each digit position as a range, numbers of each length apart, no leading zeros, a minus
 * sign for the negative part. Like the plain integer rule, at most 16 digits.
 *
 * @param low  the least allowed, or null for no bound
 * @param high the greatest allowed, or null for no bound
 */
record IntegerRange(Long low, Long high) {
    /** The largest integer the grammar writes: 16 digits, as the plain integer rule. */
    static final long LARGEST = 9_999_999_999_999_999L;

    /** The range of {@code schema}'s bounds; refused when they leave no integer or are not numbers. */
    static IntegerRange of(Map<?, ?> schema, String where) {
        Long low = null, high = null;
        for (String key : List.of("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum")) {
            Object v = schema.get(key);
            if (v == null) continue;
            if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue()))
                throw new GrammarException(where + ": '" + key + "' must be a number");
            double x = n.doubleValue();
            if (Math.abs(x) > LARGEST) throw new GrammarException(where + ": '" + key + "' is beyond the 16 digits an integer may have here");
            long bound = switch (key) {
                case "minimum" -> (long) Math.ceil(x);
                case "exclusiveMinimum" -> (long) Math.floor(x) + 1;
                case "maximum" -> (long) Math.floor(x);
                default -> (long) Math.ceil(x) - 1;
            };
            if (key.endsWith("inimum")) low = low == null ? bound : Math.max(low, bound);
            else high = high == null ? bound : Math.min(high, bound);
        }
        if (low != null && high != null && low > high) throw new GrammarException(where + ": no integer lies between the minimum and the maximum");
        return new IntegerRange(low, high);
    }

    /** Whether the schema bounds its value at all. */
    static boolean bounded(Map<?, ?> schema) {
        return schema.containsKey("minimum") || schema.containsKey("maximum") || schema.containsKey("exclusiveMinimum") || schema.containsKey("exclusiveMaximum");
    }

    /** A GBNF rule body for exactly the integers in range ("integer" when unbounded). */
    String gbnf() {
        if (low == null && high == null) return "integer";
        long lo = low == null ? -LARGEST : low, hi = high == null ? LARGEST : high;
        List<String> alts = new ArrayList<>();
        if (lo < 0) { // -|x| for x in [lo, min(hi, -1)]: the minus sign, then |x| in [max(1, -hi), -lo]
            List<String> negative = new ArrayList<>();
            nonNegative(Math.max(1, hi >= 0 ? 1 : -hi), -lo, negative);
            alts.add("\"-\" ( " + String.join(" | ", negative) + " )");
        }
        if (hi >= 0) nonNegative(Math.max(0, lo), hi, alts);
        return "( " + String.join(" | ", alts) + " )";
    }

    /** Alternatives for the numbers a..b (0 <= a <= b), without leading zeros: one run of alternatives per length. */
    private static void nonNegative(long a, long b, List<String> out) {
        String as = Long.toString(a), bs = Long.toString(b);
        for (int length = as.length(); length <= bs.length(); length++) {
            String from = length == as.length() ? as : "1" + "0".repeat(length - 1);
            String to = length == bs.length() ? bs : "9".repeat(length);
            sameLength(from, to, "", out);
        }
    }

    /** Alternatives for the numbers from..to of the same number of digits, each after {@code prefix}. */
    private static void sameLength(String from, String to, String prefix, List<String> out) {
        if (from.isEmpty()) {
            out.add(prefix.isEmpty() ? "\"\"" : prefix.strip());
            return;
        }
        char f = from.charAt(0), t = to.charAt(0);
        String fromRest = from.substring(1), toRest = to.substring(1);
        if (f == t) {
            sameLength(fromRest, toRest, prefix + "\"" + f + "\" ", out);
            return;
        }
        int rest = fromRest.length();
        boolean fromWhole = fromRest.chars().allMatch(c -> c == '0'), toWhole = toRest.chars().allMatch(c -> c == '9');
        // the first digit's own partial runs, then the whole runs of the digits between
        char first = fromWhole ? f : (char) (f + 1), last = toWhole ? t : (char) (t - 1);
        if (!fromWhole) sameLength(fromRest, "9".repeat(rest), prefix + "\"" + f + "\" ", out);
        if (first <= last) out.add((prefix + digits(first, last) + (rest == 0 ? "" : " [0-9]" + (rest == 1 ? "" : "{" + rest + "}"))).strip());
        if (!toWhole) sameLength("0".repeat(rest), toRest, prefix + "\"" + t + "\" ", out);
    }

    private static String digits(char a, char b) {
        return a == b ? "\"" + a + "\"" : "[" + a + "-" + b + "]";
    }
}
