package dev.muse.runtime;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The assistant's calculator: precedence and associativity as in mathematics, functions, and clear refusals. */
class CalculatorTest {
    static String calc(String expression) { return Calculator.format(Calculator.evaluate(expression)); }

    @Test
    void arithmeticAsInMathematics() {
        assertEquals("36", calc("12 * 3"));
        assertEquals("7", calc("1 + 2 * 3"));
        assertEquals("9", calc("(1 + 2) * 3"));
        assertEquals("-4", calc("-2^2"), "the power binds tighter than the sign");
        assertEquals("512", calc("2^3^2"), "and to the right");
        assertEquals("0.25", calc("2^-2"));
        assertEquals("1", calc("7 % 3"));
        assertEquals("7.57142857142857", calc("(12.5 * 4 + 3) / 7"));
        assertEquals("0.001", calc("1e-3"));
        assertEquals("1500", calc("1.5E3"));
        assertEquals("0.333333333333333", calc("1/3"));
        assertEquals("1.4142135623731", calc("sqrt(2)"));
        assertEquals("3.14159265358979", calc("pi"));
        assertEquals("5", calc("max(2, min(5, 9))"));
        assertEquals("1024", calc("pow(2, 10)"));
        assertEquals("2", calc("log(100)"));
        assertEquals("3", calc("round(2.5) + floor(-0.5) + ceil(0.2) + abs(-1) - 1"));
        assertEquals("infinity", calc("1/0"));
        assertEquals("not a number", calc("sqrt(-1)"));
    }

    @Test
    void whatItCannotReadIsRefusedSayingWhere() {
        assertEquals("cannot calculate '2 +': the expression ends too early at character 4",
                assertThrows(IllegalArgumentException.class, () -> Calculator.evaluate("2 +")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Calculator.evaluate("2 * foo(3)")).getMessage().contains("unknown name 'foo' at character 5"));
        assertThrows(IllegalArgumentException.class, () -> Calculator.evaluate("(1 + 2"));
        assertThrows(IllegalArgumentException.class, () -> Calculator.evaluate("1.2.3"));
        assertThrows(IllegalArgumentException.class, () -> Calculator.evaluate("2e"));
        assertThrows(IllegalArgumentException.class, () -> Calculator.evaluate("java.lang.System.exit(1)"));
        assertThrows(IllegalArgumentException.class, () -> Calculator.evaluate("(".repeat(500) + "1" + ")".repeat(500)), "nesting is bounded");
        assertThrows(IllegalArgumentException.class, () -> Calculator.evaluate("1+".repeat(600) + "1"), "length is bounded");
        assertThrows(IllegalArgumentException.class, () -> Calculator.evaluate("-".repeat(900) + "1"), "signs nest too");
    }
}
