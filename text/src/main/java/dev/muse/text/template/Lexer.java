package dev.muse.text.template;

import dev.muse.text.template.Token.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits preprocessed template text into tokens, following the reference tokenizer rule for rule:
 * text runs between tags, {@code -} whitespace control on either side of a tag, string escapes, and
 * the way a {@code -} directly before a digit becomes part of a negative number literal.
 */
final class Lexer {
    private final String src;
    private final int[] origin;
    private final Positions positions;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    private int braceDepth; // open { inside {{ }}, so that "}}" can close a dict literal in an expression

    private Lexer(Preprocessor.Result input, Positions positions) {
        this.src = input.text();
        this.origin = input.origin();
        this.positions = positions;
    }

    static List<Token> tokenize(Preprocessor.Result input, Positions positions) {
        Lexer lexer = new Lexer(input, positions);
        lexer.run();
        return lexer.tokens;
    }

    private static final String[][] OPERATORS = {
        {"{%", "OPEN_STATEMENT"}, {"%}", "CLOSE_STATEMENT"}, {"{{", "OPEN_EXPRESSION"}, {"}}", "CLOSE_EXPRESSION"},
        {"(", "OPEN_PAREN"}, {")", "CLOSE_PAREN"}, {"{", "OPEN_BRACE"}, {"}", "CLOSE_BRACE"},
        {"[", "OPEN_BRACKET"}, {"]", "CLOSE_BRACKET"}, {",", "COMMA"}, {".", "DOT"}, {":", "COLON"}, {"|", "PIPE"},
        {"<=", "COMPARISON"}, {">=", "COMPARISON"}, {"==", "COMPARISON"}, {"!=", "COMPARISON"},
        {"<", "COMPARISON"}, {">", "COMPARISON"},
        {"+", "ADDITIVE"}, {"-", "ADDITIVE"}, {"~", "ADDITIVE"},
        {"**", "POWER"}, {"*", "MULTIPLICATIVE"}, {"//", "MULTIPLICATIVE"}, {"/", "MULTIPLICATIVE"}, {"%", "MULTIPLICATIVE"},
        {"=", "EQUALS"},
    };

    private TemplateException error(String reason, int at) {
        return positions.error(reason, origin[Math.min(at, src.length())]);
    }

    private Type lastType() {
        return tokens.isEmpty() ? null : tokens.getLast().type();
    }

    private void add(Type type, String text, int start) {
        tokens.add(new Token(type, text, origin[start]));
    }

    private boolean startsWith(String s) { return src.startsWith(s, pos); }

    private void run() {
        while (pos < src.length()) {
            Type last = lastType();
            if (last == null || last == Type.CLOSE_STATEMENT || last == Type.CLOSE_EXPRESSION || last == Type.COMMENT) {
                int start = pos;
                while (pos < src.length() && !(src.charAt(pos) == '{' && pos + 1 < src.length() && "%{#".indexOf(src.charAt(pos + 1)) >= 0)) pos++;
                if (pos > start) {
                    add(Type.TEXT, src.substring(start, pos), start);
                    continue;
                }
            }
            if (startsWith("{#")) {
                comment();
                continue;
            }
            if (startsWith("{%-") || startsWith("{{-")) {
                stripTrailingWhitespace();
                boolean statement = src.charAt(pos + 1) == '%';
                add(statement ? Type.OPEN_STATEMENT : Type.OPEN_EXPRESSION, statement ? "{%" : "{{", pos);
                if (!statement) braceDepth = 0;
                pos += 3;
                continue;
            }
            skipWhitespaceInTag();
            if (startsWith("-%}") || startsWith("-}}")) {
                boolean statement = src.charAt(pos + 1) == '%';
                add(statement ? Type.CLOSE_STATEMENT : Type.CLOSE_EXPRESSION, statement ? "%}" : "}}", pos);
                pos += 3;
                while (pos < src.length() && Js.isWhitespace(src.charAt(pos))) pos++;
                continue;
            }
            char c = src.charAt(pos);
            if ((c == '-' || c == '+') && sign(c)) continue;
            if (operator()) continue;
            if (c == '\'' || c == '"') {
                string(c);
            } else if (isDigit(c)) {
                number("");
            } else if (isWordChar(c)) {
                int start = pos;
                while (pos < src.length() && isWordChar(src.charAt(pos))) pos++;
                add(Type.NAME, src.substring(start, pos), start);
            } else {
                throw error("unexpected character '" + c + "'", pos);
            }
        }
    }

    private void comment() {
        int start = pos;
        pos += 2;
        boolean stripBefore = pos < src.length() && src.charAt(pos) == '-';
        if (stripBefore) pos++;
        int end = src.indexOf("#}", pos);
        if (end < 0) throw error("missing end of comment tag '#}'", start);
        boolean stripAfter = end > pos && src.charAt(end - 1) == '-';
        if (stripBefore) stripTrailingWhitespace();
        add(Type.COMMENT, src.substring(pos, stripAfter ? end - 1 : end), start);
        pos = end + 2;
        if (stripAfter) {
            while (pos < src.length() && Js.isWhitespace(src.charAt(pos))) pos++;
        }
    }

    /** The {@code -} of {@code {%-}: the text before the tag loses its trailing whitespace. */
    private void stripTrailingWhitespace() {
        if (lastType() != Type.TEXT) return;
        Token text = tokens.removeLast();
        String trimmed = Js.trimEnd(text.text());
        if (!trimmed.isEmpty()) tokens.add(new Token(Type.TEXT, trimmed, text.offset()));
    }

    private void skipWhitespaceInTag() {
        while (pos < src.length() && Js.isWhitespace(src.charAt(pos))) pos++;
        if (pos >= src.length()) throw error("unexpected end of template inside a tag", pos);
    }

    /**
     * A + or - right after an operand is a binary operator (left to the operator table); anywhere else
     * it is a sign, and the reference folds it into an immediately following number literal.
     */
    private boolean sign(char c) {
        Type last = lastType();
        if (last == null || last == Type.TEXT) throw error("unexpected character '" + c + "'", pos);
        switch (last) {
            case NAME, NUMBER, STRING, CLOSE_PAREN, CLOSE_BRACKET -> { return false; }
            default -> { }
        }
        int start = pos++;
        if (pos < src.length() && isDigit(src.charAt(pos))) {
            number(String.valueOf(c));
            tokens.set(tokens.size() - 1, new Token(Type.NUMBER, tokens.getLast().text(), origin[start]));
        } else {
            add(Type.SIGN, String.valueOf(c), start);
        }
        return true;
    }

    private boolean operator() {
        for (String[] op : OPERATORS) {
            if (op[0].equals("}}") && braceDepth > 0) continue;
            if (!startsWith(op[0])) continue;
            Type type = Type.valueOf(op[1]);
            add(type, op[0], pos);
            if (type == Type.OPEN_EXPRESSION) braceDepth = 0;
            else if (type == Type.OPEN_BRACE) braceDepth++;
            else if (type == Type.CLOSE_BRACE) braceDepth--;
            pos += op[0].length();
            return true;
        }
        return false;
    }

    private void number(String sign) {
        int start = pos;
        while (pos < src.length() && isDigit(src.charAt(pos))) pos++;
        boolean afterDot = lastType() == Type.DOT; // x.0.1 is two item accesses, not a float
        if (!afterDot && pos + 1 < src.length() && src.charAt(pos) == '.' && isDigit(src.charAt(pos + 1))) {
            pos++;
            while (pos < src.length() && isDigit(src.charAt(pos))) pos++;
        }
        add(Type.NUMBER, sign + src.substring(start, pos), start);
    }

    private void string(char quote) {
        int start = pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length()) throw error("unterminated string literal", start);
            char c = src.charAt(pos);
            if (c == quote) break;
            if (c != '\\') {
                sb.append(c);
                pos++;
                continue;
            }
            if (++pos >= src.length()) throw error("unterminated string literal", start);
            char e = src.charAt(pos++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'v' -> sb.append('\u000B');
                case '\'', '"', '\\' -> sb.append(e);
                case 'x', 'u' -> {
                    int length = e == 'x' ? 2 : 4;
                    String hex = pos + length <= src.length() ? src.substring(pos, pos + length) : "";
                    if (hex.length() != length || !hex.chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
                        throw error("invalid escape sequence \\" + e + hex, pos - 2);
                    }
                    sb.append((char) Integer.parseInt(hex, 16));
                    pos += length;
                }
                default -> throw error("unsupported escape sequence \\" + e, pos - 2);
            }
        }
        pos++; // closing quote
        tokens.add(new Token(Type.STRING, sb.toString(), origin[start]));
    }

    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    /** JavaScript's {@code \w} without the unicode flag: ASCII letters, digits and underscore. */
    private static boolean isWordChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '_';
    }
}
