package dev.muse.text.template;

import dev.muse.text.template.Node.*;
import dev.muse.text.template.Token.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * The expression half of the parser, and the token cursor both halves share. Operator precedence
 * follows the reference implementation (loosest first): conditional, or, and, not, comparison and
 * in, + - ~, * / // %, **, is, |filter, unary sign, then member access, subscripts and calls.
 */
abstract class ExpressionParser {
    /** Deeper nesting than any real template uses; keeps a hostile one from overflowing the stack. */
    private static final int MAX_NESTING = 100;

    protected final List<Token> tokens;
    private final Positions positions;
    private final int endOffset;
    protected int current;
    protected int nesting;

    protected ExpressionParser(List<Token> tokens, Positions positions, int endOffset) {
        this.tokens = tokens;
        this.positions = positions;
        this.endOffset = endOffset;
    }

    // ---- token helpers ----------------------------------------------------------------------------

    protected boolean atEnd() { return current >= tokens.size(); }

    protected Token peek() {
        if (atEnd()) throw error("unexpected end of template", endOffset);
        return tokens.get(current);
    }

    protected boolean check(Type type) { return !atEnd() && tokens.get(current).type() == type; }

    protected boolean checkName(String name) { return !atEnd() && tokens.get(current).isName(name); }

    protected boolean checkNames(String first, String second) {
        return checkName(first) && current + 1 < tokens.size() && tokens.get(current + 1).isName(second);
    }

    protected Token expect(Type type, String what) {
        Token t = peek();
        if (t.type() != type) throw error("expected " + what + " but found '" + shown(t) + "'", t.offset());
        current++;
        return t;
    }

    protected void expectName(String name) {
        Token t = peek();
        if (!t.isName(name)) throw error("expected '" + name + "' but found '" + shown(t) + "'", t.offset());
        current++;
    }

    /** A token as quoted in a message: long template text is cut short. */
    protected static String shown(Token t) {
        return t.text().length() > 40 ? t.text().substring(0, 40) + "..." : t.text();
    }

    protected final TemplateException error(String reason, int offset) { return positions.error(reason, offset); }

    protected void enter(int offset) {
        if (++nesting > MAX_NESTING) throw error("template nested deeper than " + MAX_NESTING + " levels", offset);
    }

    // ---- expressions --------------------------------------------------------------------------------

    protected Expr expression() {
        Token start = peek();
        enter(start.offset());
        Expr value = or();
        if (checkName("if")) {
            current++;
            Expr test = or();
            if (checkName("else")) {
                current++;
                value = new Conditional(start.offset(), test, value, expression());
            } else {
                value = new Select(start.offset(), value, test);
            }
        }
        nesting--;
        return value;
    }

    /** Comma-separated expressions: a tuple when there is a comma. */
    protected Expr expressionSequence() {
        int pos = peek().offset();
        List<Expr> items = new ArrayList<>(List.of(expression()));
        boolean tuple = false;
        while (check(Type.COMMA)) {
            tuple = true;
            current++;
            if (check(Type.CLOSE_PAREN) || check(Type.CLOSE_STATEMENT) || check(Type.EQUALS)) break;
            items.add(expression());
        }
        return tuple ? new TupleLiteral(pos, items) : items.getFirst();
    }

    private Expr or() {
        Expr left = and();
        while (checkName("or")) {
            int pos = peek().offset();
            current++;
            left = new Binary(pos, "or", left, and());
        }
        return left;
    }

    private Expr and() {
        Expr left = not();
        while (checkName("and")) {
            int pos = peek().offset();
            current++;
            left = new Binary(pos, "and", left, not());
        }
        return left;
    }

    private Expr not() {
        if (checkName("not") && !checkNames("not", "in")) {
            Token t = peek();
            current++;
            enter(t.offset());
            Expr operand = not();
            nesting--;
            return new Unary(t.offset(), "not", operand);
        }
        return comparison();
    }

    private Expr comparison() {
        Expr left = additive();
        while (true) {
            String op;
            int pos = atEnd() ? endOffset : peek().offset();
            if (checkNames("not", "in")) {
                op = "not in";
                current += 2;
            } else if (checkName("in")) {
                op = "in";
                current++;
            } else if (check(Type.COMPARISON)) {
                op = peek().text();
                current++;
            } else {
                return left;
            }
            left = new Binary(pos, op, left, additive());
        }
    }

    private Expr additive() {
        Expr left = multiplicative();
        while (check(Type.ADDITIVE)) {
            Token op = peek();
            current++;
            left = new Binary(op.offset(), op.text(), left, multiplicative());
        }
        return left;
    }

    private Expr multiplicative() {
        Expr left = power();
        while (check(Type.MULTIPLICATIVE)) {
            Token op = peek();
            current++;
            left = new Binary(op.offset(), op.text(), left, power());
        }
        return left;
    }

    private Expr power() {
        Expr left = test();
        while (check(Type.POWER)) {
            Token op = peek();
            current++;
            left = new Binary(op.offset(), "**", left, test());
        }
        return left;
    }

    private Expr test() {
        Expr operand = filtered();
        while (checkName("is")) {
            int pos = peek().offset();
            current++;
            boolean negated = checkName("not");
            if (negated) current++;
            Token name = expect(Type.NAME, "a test name after 'is'");
            List<Arg> args = List.of();
            if (check(Type.OPEN_PAREN)) {
                args = arguments();
            } else if (check(Type.STRING) || check(Type.NUMBER)) { // Jinja's "x is divisibleby 3"
                args = List.of(new Arg(Arg.Kind.POSITIONAL, null, primary()));
            }
            operand = new Test(pos, operand, name.text(), negated, args);
        }
        return operand;
    }

    private Expr filtered() {
        Expr operand = unary();
        while (check(Type.PIPE)) {
            int pos = peek().offset();
            current++;
            operand = new FilterExpr(pos, operand, filter());
        }
        return operand;
    }

    protected Filter filter() {
        Token name = expect(Type.NAME, "a filter name");
        return new Filter(name.offset(), name.text(), check(Type.OPEN_PAREN) ? arguments() : null);
    }

    private Expr unary() {
        if (check(Type.SIGN) || check(Type.ADDITIVE) && !peek().text().equals("~")) {
            Token op = peek();
            current++;
            enter(op.offset());
            Expr operand = unary();
            nesting--;
            return new Unary(op.offset(), op.text(), operand);
        }
        return postfix(primary());
    }

    private Expr postfix(Expr e) {
        while (true) {
            if (check(Type.DOT)) {
                current++;
                Token key = peek();
                if (key.type() == Type.NAME) {
                    e = new Item(key.offset(), e, new Literal(key.offset(), key.text()), true);
                } else if (key.type() == Type.NUMBER && key.text().chars().allMatch(Character::isDigit)) {
                    e = new Item(key.offset(), e, new Literal(key.offset(), Long.parseLong(key.text())), true);
                } else {
                    throw error("expected a name or integer after '.'", key.offset());
                }
                current++;
            } else if (check(Type.OPEN_BRACKET)) {
                e = subscript(e);
            } else if (check(Type.OPEN_PAREN)) {
                e = new Call(peek().offset(), e, arguments());
            } else {
                return e;
            }
        }
    }

    /** {@code [key]} or a slice {@code [start:stop:step]} with any part left out. */
    private Expr subscript(Expr object) {
        Token open = expect(Type.OPEN_BRACKET, "'['");
        Expr[] parts = new Expr[3];
        int part = 0;
        boolean slice = false;
        while (!check(Type.CLOSE_BRACKET)) {
            if (check(Type.COLON)) {
                if (++part > 2) throw error("a slice has at most three parts", peek().offset());
                slice = true;
                current++;
            } else {
                if (parts[part] != null) throw error("expected ':' or ']'", peek().offset());
                parts[part] = expression();
            }
        }
        current++;
        if (!slice) {
            if (parts[0] == null) throw error("empty subscript", open.offset());
            return new Item(open.offset(), object, parts[0], false);
        }
        return new Slice(open.offset(), object, parts[0], parts[1], parts[2]);
    }

    protected List<Arg> arguments() {
        expect(Type.OPEN_PAREN, "'('");
        List<Arg> args = new ArrayList<>();
        boolean sawKeyword = false;
        while (!check(Type.CLOSE_PAREN)) {
            Token start = peek();
            Arg arg;
            if (check(Type.POWER)) {
                current++;
                arg = new Arg(Arg.Kind.KEYWORD_SPREAD, null, expression());
            } else if (start.is(Type.MULTIPLICATIVE, "*")) {
                current++;
                arg = new Arg(Arg.Kind.SPREAD, null, expression());
            } else if (start.type() == Type.NAME && current + 1 < tokens.size() && tokens.get(current + 1).type() == Type.EQUALS) {
                current += 2;
                arg = new Arg(Arg.Kind.KEYWORD, start.text(), expression());
            } else {
                arg = new Arg(Arg.Kind.POSITIONAL, null, expression());
            }
            boolean keyword = arg.kind() == Arg.Kind.KEYWORD || arg.kind() == Arg.Kind.KEYWORD_SPREAD;
            if (!keyword && sawKeyword) throw error("positional argument follows keyword argument", start.offset());
            sawKeyword |= keyword;
            args.add(arg);
            if (!check(Type.CLOSE_PAREN)) expect(Type.COMMA, "',' or ')'");
        }
        current++;
        return args;
    }

    protected Expr primary() {
        Token t = peek();
        current++;
        switch (t.type()) {
            case NUMBER -> {
                if (t.text().contains(".")) return new Literal(t.offset(), Double.parseDouble(t.text()));
                try {
                    return new Literal(t.offset(), Values.checkedInteger(Long.parseLong(t.text())));
                } catch (NumberFormatException | TemplateException e) {
                    throw error("integer literal out of range: " + t.text(), t.offset());
                }
            }
            case STRING -> {
                StringBuilder s = new StringBuilder(t.text());
                while (check(Type.STRING)) s.append(tokens.get(current++).text()); // "a" "b" is "ab"
                return new Literal(t.offset(), s.toString());
            }
            case NAME -> { return new Name(t.offset(), t.text()); }
            case OPEN_PAREN -> {
                enter(t.offset());
                Expr inner = expressionSequence();
                nesting--;
                expect(Type.CLOSE_PAREN, "')'");
                return inner;
            }
            case OPEN_BRACKET -> {
                enter(t.offset());
                List<Expr> items = new ArrayList<>();
                while (!check(Type.CLOSE_BRACKET)) {
                    items.add(expression());
                    if (!check(Type.CLOSE_BRACKET)) expect(Type.COMMA, "',' or ']'");
                }
                current++;
                nesting--;
                return new ListLiteral(t.offset(), items);
            }
            case OPEN_BRACE -> {
                enter(t.offset());
                List<Expr> keys = new ArrayList<>(), values = new ArrayList<>();
                while (!check(Type.CLOSE_BRACE)) {
                    keys.add(expression());
                    expect(Type.COLON, "':'");
                    values.add(expression());
                    if (!check(Type.CLOSE_BRACE)) expect(Type.COMMA, "',' or '}'");
                }
                current++;
                nesting--;
                return new DictLiteral(t.offset(), keys, values);
            }
            default -> throw error("unexpected '" + shown(t) + "'", t.offset());
        }
    }
}
