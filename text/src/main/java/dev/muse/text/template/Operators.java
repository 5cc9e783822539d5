package dev.muse.text.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Arithmetic, comparison, membership and concatenation, with the reference's typing rules: integers
 * stay integers except under {@code /}; {@code +} adds numbers, concatenates lists, and joins text as
 * soon as one side is a string; {@code ~} always joins text; ordering compares numbers only. Results
 * a JavaScript engine could not represent exactly (huge integers, infinities) are errors here.
 */
final class Operators {
    private final Budget budget;

    Operators(Budget budget) {
        this.budget = budget;
    }

    Object sign(String op, Object v) {
        boolean negate = op.equals("-");
        return switch (v) {
            case Long l -> negate ? -l : l;
            case Double d -> negate ? -d : d;
            case Boolean b -> negate ? (b ? -1L : 0L) : (b ? 1L : 0L);
            default -> throw new TemplateException("bad operand type for unary " + op + ": " + Values.typeName(v));
        };
    }

    Object binary(String op, Object left, Object right) {
        switch (op) {
            case "==" -> { return Values.looseEquals(left, right, budget); }
            case "!=" -> { return !Values.looseEquals(left, right, budget); }
            default -> { }
        }
        boolean membership = op.equals("in") || op.equals("not in");
        if (left == Undefined.VALUE || right == Undefined.VALUE) {
            if (right == Undefined.VALUE && membership) return op.equals("not in");
            throw new TemplateException("cannot apply '" + op + "' to an undefined value");
        }
        if (left == null || right == null) throw new TemplateException("cannot apply '" + op + "' to none");
        if (op.equals("~")) return budget.string(Values.concatText(left, budget) + Values.concatText(right, budget));
        if (op.equals("**") && Values.isNumericLike(left) && Values.isNumericLike(right)) return power(left, right);
        if (Values.isNumber(left) && Values.isNumber(right)) {
            Object result = arithmetic(op, left, right);
            if (result != null) return result;
        } else if (left instanceof List<?> a && right instanceof List<?> b) {
            if (op.equals("+")) {
                budget.items((long) a.size() + b.size());
                List<Object> joined = new ArrayList<>(a);
                joined.addAll(b);
                return joined;
            }
        } else if (right instanceof List<?> list && membership) {
            boolean found = false;
            for (Object item : list) {
                budget.step();
                if (Values.strictEquals(item, left)) {
                    found = true;
                    break;
                }
            }
            return found == op.equals("in");
        }
        if (op.equals("*") && (left instanceof String && right instanceof Long || left instanceof Long && right instanceof String)) {
            return repeat(left instanceof String s ? s : (String) right, left instanceof Long n ? n : (Long) right);
        }
        if (op.equals("+") && (left instanceof String || right instanceof String)) {
            return budget.string(Values.concatText(left, budget) + Values.concatText(right, budget));
        }
        if (membership && left instanceof String s && right instanceof String t) return t.contains(s) == op.equals("in");
        if (membership && left instanceof String s && right instanceof Map<?, ?> m) return m.containsKey(s) == op.equals("in");
        throw new TemplateException("unsupported operand types for '" + op + "': " + Values.typeName(left) + " and " + Values.typeName(right));
    }

    /** Number op number; null when the operator does not apply to numbers (such as "in"). */
    private Object arithmetic(String op, Object left, Object right) {
        boolean isFloat = left instanceof Double || right instanceof Double;
        double a = ((Number) left).doubleValue(), b = ((Number) right).doubleValue();
        switch (op) {
            case "<" -> { return a < b; }
            case ">" -> { return a > b; }
            case "<=" -> { return a <= b; }
            case ">=" -> { return a >= b; }
            case "/" -> {
                if (b == 0) throw new TemplateException("division by zero");
                return Values.checkedFloat(a / b);
            }
            default -> { }
        }
        if (isFloat) {
            return switch (op) {
                case "+" -> Values.checkedFloat(a + b);
                case "-" -> Values.checkedFloat(a - b);
                case "*" -> Values.checkedFloat(a * b);
                case "//" -> { if (b == 0) throw new TemplateException("division by zero"); yield Values.checkedFloat(Math.floor(a / b)); }
                case "%" -> { if (b == 0) throw new TemplateException("modulo by zero"); yield Values.checkedFloat(a % b); }
                default -> null;
            };
        }
        long x = (Long) left, y = (Long) right;
        try {
            return switch (op) {
                case "+" -> Values.checkedInteger(Math.addExact(x, y));
                case "-" -> Values.checkedInteger(Math.subtractExact(x, y));
                case "*" -> Values.checkedInteger(Math.multiplyExact(x, y));
                case "//" -> { if (y == 0) throw new TemplateException("division by zero"); yield Math.floorDiv(x, y); }
                case "%" -> { if (y == 0) throw new TemplateException("modulo by zero"); yield x % y; } // sign of the dividend, as in JavaScript
                default -> null;
            };
        } catch (ArithmeticException overflow) {
            throw new TemplateException("integer overflow in '" + op + "'");
        }
    }

    /** Python's {@code "ab" * 3} (templates indent and repeat image tokens with it); the reference lacks it. */
    private String repeat(String s, long times) {
        if (times <= 0 || s.isEmpty()) return "";
        budget.chars(s.length() * Math.min(times, (long) budget.limits.maxChars() + 1));
        return s.repeat((int) times);
    }

    private Object power(Object left, Object right) {
        double a = Values.numeric(left), b = Values.numeric(right);
        if (a == 0 && b < 0) throw new TemplateException("0.0 cannot be raised to a negative power");
        double result = Values.checkedFloat(Math.pow(a, b));
        boolean isFloat = left instanceof Double || right instanceof Double || b < 0;
        return isFloat ? (Object) result : Values.safeInteger(result);
    }
}
