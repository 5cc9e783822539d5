package dev.muse.text.template;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JavaScript's text and number conversions, re-implemented exactly where the rendered prompt depends
 * on them. The reference implementation of chat templates that Muse is tested against byte for byte,
 * Hugging Face's {@code @huggingface/jinja}, runs on JavaScript: its whitespace set, its number
 * printing ({@code 0.1}, {@code 1e+21}) and its string-to-number rules show up in template output.
 */
final class Js {
    private Js() {}

    /** JavaScript's {@code \s} and {@code String#trim} whitespace: WhiteSpace plus LineTerminator. */
    static boolean isWhitespace(char c) {
        return switch (c) {
            case '\t', '\n', '\u000B', '\f', '\r', ' ', '\u00A0', '\u1680', '\u2028', '\u2029', '\u202F', '\u205F',
                 '\u3000', '\uFEFF' -> true;
            default -> c >= '\u2000' && c <= '\u200A';
        };
    }

    /** The same set as a regex character class, for patterns ported from the reference. */
    static final String WHITESPACE_CLASS = "[\\t\\n\\u000B\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF]";

    static String trim(String s) { return trimEnd(trimStart(s)); }

    static String trimStart(String s) {
        int i = 0;
        while (i < s.length() && isWhitespace(s.charAt(i))) i++;
        return s.substring(i);
    }

    static String trimEnd(String s) {
        int end = s.length();
        while (end > 0 && isWhitespace(s.charAt(end - 1))) end--;
        return s.substring(0, end);
    }

    /** {@code Number.prototype.toString()}: shortest round-trip digits, exponent form outside [1e-7, 1e21). */
    static String numberToString(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        if (d == 0) return "0";
        // Java's Double.toString (JDK 19+) yields the same shortest digit string that JavaScript uses.
        BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = exact.unscaledValue().toString();
        int k = digits.length();
        int n = k - exact.scale(); // value = 0.digits x 10^n
        StringBuilder sb = new StringBuilder(d < 0 ? "-" : "");
        if (k <= n && n <= 21) {
            sb.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            sb.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            sb.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            sb.append(digits.charAt(0));
            if (k > 1) sb.append('.').append(digits, 1, k);
            sb.append('e').append(n - 1 >= 0 ? "+" : "-").append(Math.abs(n - 1));
        }
        return sb.toString();
    }

    /** The reference prints a whole-number float with {@code toFixed(1)}: "2.0", never "2". */
    static String wholeFloatToString(double d) {
        if (Math.abs(d) >= 1e21) return numberToString(d); // toFixed falls back to toString there
        return new BigDecimal(d).toPlainString() + ".0";
    }

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?");
    private static final Pattern DECIMAL_PREFIX = Pattern.compile("[+-]?(?:Infinity|(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)");
    private static final Pattern INTEGER_PREFIX = Pattern.compile("[+-]?\\d+");

    /** JavaScript's ToNumber for a string, as loose equality ({@code "1" == 1}) applies it. */
    static double toNumber(String s) {
        String t = trim(s);
        if (t.isEmpty()) return 0;
        switch (t) {
            case "Infinity", "+Infinity" -> { return Double.POSITIVE_INFINITY; }
            case "-Infinity" -> { return Double.NEGATIVE_INFINITY; }
            default -> { }
        }
        if (t.length() > 2 && t.charAt(0) == '0') {
            int radix = switch (t.charAt(1)) { case 'x', 'X' -> 16; case 'o', 'O' -> 8; case 'b', 'B' -> 2; default -> 0; };
            if (radix != 0) {
                try {
                    return new java.math.BigInteger(t.substring(2), radix).doubleValue();
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
            }
        }
        return DECIMAL.matcher(t).matches() ? Double.parseDouble(t) : Double.NaN;
    }

    /** JavaScript's {@code parseFloat}: the longest decimal prefix after leading whitespace, else NaN. */
    static double parseFloat(String s) {
        Matcher m = DECIMAL_PREFIX.matcher(trimStart(s));
        if (!m.lookingAt()) return Double.NaN;
        String number = m.group();
        if (number.endsWith("Infinity")) return number.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        return Double.parseDouble(number);
    }

    /** JavaScript's {@code parseInt(s, 10)}: the leading decimal digits, or null for NaN. */
    static Long parseInt(String s) {
        Matcher m = INTEGER_PREFIX.matcher(trimStart(s));
        if (!m.lookingAt()) return null;
        BigDecimal value = new BigDecimal(m.group());
        return Values.safeInteger(value.doubleValue());
    }
}
