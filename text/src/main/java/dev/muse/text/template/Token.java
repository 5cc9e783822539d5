package dev.muse.text.template;

/**
 * One lexical token. {@code text} is the token as written (for a string literal: its unescaped
 * value; for a number: its digits); {@code offset} is where it starts in the original source.
 */
record Token(Type type, String text, int offset) {

    enum Type {
        TEXT, COMMENT,
        OPEN_STATEMENT, CLOSE_STATEMENT, OPEN_EXPRESSION, CLOSE_EXPRESSION,
        NUMBER, STRING, NAME,
        EQUALS, OPEN_PAREN, CLOSE_PAREN, OPEN_BRACKET, CLOSE_BRACKET, OPEN_BRACE, CLOSE_BRACE,
        COMMA, DOT, COLON, PIPE,
        /** + - ~ between operands. */
        ADDITIVE,
        /** * / // % */
        MULTIPLICATIVE,
        /** ** */
        POWER,
        /** < > <= >= == != */
        COMPARISON,
        /** + or - in front of an operand. */
        SIGN
    }

    boolean is(Type t, String s) { return type == t && text.equals(s); }

    boolean isName(String s) { return is(Type.NAME, s); }
}
