package dev.muse.runtime;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * The assistant's calculator: arithmetic on doubles, read by a small recursive-descent parser (no script engine, nothing
 * is looked up by name but the functions and constants below). Numbers ({@code 12}, {@code 3.5}, {@code 1e-3}),
 * {@code + - * / %}, {@code ^} (right-associative, above unary minus: {@code -2^2 = -4}), parentheses, {@code pi},
 * {@code e}, and the functions {@code sqrt abs ln log log2 exp sin cos tan asin acos atan floor ceil round}, with
 * {@code min max pow} of two arguments. An expression it cannot read is refused with where and why.
 */
final class Calculator {
    /** Characters and nesting an expression may have at most. */
    static final int MAX_LENGTH = 1_000, MAX_DEPTH = 64;

    private static final Map<String, DoubleUnaryOperator> FUNCTIONS = Map.ofEntries(
            Map.entry("sqrt", Math::sqrt), Map.entry("abs", Math::abs), Map.entry("ln", Math::log), Map.entry("log", Math::log10),
            Map.entry("log2", x -> Math.log(x) / Math.log(2)), Map.entry("exp", Math::exp), Map.entry("sin", Math::sin),
            Map.entry("cos", Math::cos), Map.entry("tan", Math::tan), Map.entry("asin", Math::asin), Map.entry("acos", Math::acos),
            Map.entry("atan", Math::atan), Map.entry("floor", Math::floor), Map.entry("ceil", Math::ceil), Map.entry("round", x -> (double) Math.round(x)));

    private final String text;
    private int at, depth;

    private Calculator(String text) { this.text = text; }

    /** The value of {@code expression}; an IllegalArgumentException says where it cannot be read. */
    static double evaluate(String expression) {
        if (expression.length() > MAX_LENGTH) throw new IllegalArgumentException("an expression has at most " + MAX_LENGTH + " characters");
        Calculator c = new Calculator(expression);
        double value = c.sum();
        c.space();
        if (c.at < c.text.length()) throw c.error("unexpected '" + c.text.charAt(c.at) + "'");
        return value;
    }

    /** A value as the assistant reads it: an integer without a fraction, else up to 15 significant digits. */
    static String format(double value) {
        if (Double.isNaN(value)) return "not a number";
        if (Double.isInfinite(value)) return value > 0 ? "infinity" : "-infinity";
        if (value == Math.rint(value) && Math.abs(value) < 1e15) return Long.toString((long) value);
        return new BigDecimal(value).round(new MathContext(15)).stripTrailingZeros().toString().toLowerCase(Locale.ROOT);
    }

    private double sum() {
        double value = product();
        while (true) {
            if (take('+')) value += product();
            else if (take('-')) value -= product();
            else return value;
        }
    }

    private double product() {
        double value = unary();
        while (true) {
            if (take('*')) value *= unary();
            else if (take('/')) value /= unary();
            else if (take('%')) value %= unary();
            else return value;
        }
    }

    private double unary() {
        boolean minus = take('-');
        if (!minus && !take('+')) return power();
        if (++depth > MAX_DEPTH) throw error("the expression nests too deeply");
        double value = unary();
        depth--;
        return minus ? -value : value;
    }

    private double power() {
        double base = atom();
        return take('^') ? Math.pow(base, unary()) : base;
    }

    private double atom() {
        if (++depth > MAX_DEPTH) throw error("the expression nests too deeply");
        try {
            space();
            if (take('(')) {
                double value = sum();
                expect(')');
                return value;
            }
            if (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '.')) return number();
            if (at < text.length() && Character.isLetter(text.charAt(at))) return named();
            throw error(at < text.length() ? "unexpected '" + text.charAt(at) + "'" : "the expression ends too early");
        } finally {
            depth--;
        }
    }

    private double number() {
        int start = at;
        while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '.')) at++;
        if (at < text.length() && (text.charAt(at) == 'e' || text.charAt(at) == 'E')) {
            int mark = at++;
            if (at < text.length() && (text.charAt(at) == '+' || text.charAt(at) == '-')) at++;
            if (at < text.length() && Character.isDigit(text.charAt(at))) {
                while (at < text.length() && Character.isDigit(text.charAt(at))) at++;
            } else {
                at = mark; // an 'e' without digits after it is no exponent: "2e" is refused at the 'e'

            }
        }
        try {
            return Double.parseDouble(text.substring(start, at));
        } catch (NumberFormatException e) {
            throw error("'" + text.substring(start, at) + "' is not a number", start);
        }
    }

    private double named() {
        int start = at;
        while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)))) at++;
        String name = text.substring(start, at).toLowerCase(Locale.ROOT);
        switch (name) {
            case "pi" -> { return Math.PI; }
            case "e" -> { return Math.E; }
            case "min", "max", "pow" -> {
                expect('(');
                double a = sum();
                expect(',');
                double b = sum();
                expect(')');
                return name.equals("min") ? Math.min(a, b) : name.equals("max") ? Math.max(a, b) : Math.pow(a, b);
            }
            default -> {
                DoubleUnaryOperator f = FUNCTIONS.get(name);
                if (f == null) throw error("unknown name '" + name + "'", start);
                expect('(');
                double x = sum();
                expect(')');
                return f.applyAsDouble(x);
            }
        }
    }

    private void space() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
    }

    private boolean take(char c) {
        space();
        if (at < text.length() && text.charAt(at) == c) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!take(c)) throw error("expected '" + c + "'");
    }

    private IllegalArgumentException error(String why) { return error(why, at); }

    private IllegalArgumentException error(String why, int where) {
        return new IllegalArgumentException("cannot calculate '" + text + "': " + why + " at character " + (where + 1));
    }
}
