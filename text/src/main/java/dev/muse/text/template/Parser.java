package dev.muse.text.template;

import dev.muse.text.template.Node.*;
import dev.muse.text.template.Token.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Recursive-descent parser for template statements (expressions are in {@link ExpressionParser}).
 * Statements are only the ones chat templates need: if, for, set, macro, call, filter, break,
 * continue. Anything else — include, import, extends, block, raw — is rejected here, so a template
 * can never reach outside the render.
 */
final class Parser extends ExpressionParser {

    private Parser(List<Token> tokens, Positions positions, int endOffset) {
        super(tokens, positions, endOffset);
    }

    static List<Stmt> parse(List<Token> tokens, Positions positions, int endOffset) {
        return new Parser(tokens, positions, endOffset).body(); // no closing tag to stop at: consumes all or fails
    }

    // ---- statements ---------------------------------------------------------------------------------

    /** Is the next token {@code {%} followed by one of these statement names? */
    private boolean atStatement(String... names) {
        if (!check(Type.OPEN_STATEMENT) || current + 1 >= tokens.size()) return false;
        Token name = tokens.get(current + 1);
        if (name.type() != Type.NAME) return false;
        for (String n : names) if (name.text().equals(n)) return true;
        return false;
    }

    /** Statements up to the end of input or up to (not including) one of the closing tags. */
    private List<Stmt> body(String... closers) {
        List<Stmt> out = new ArrayList<>();
        while (!atEnd() && !atStatement(closers)) {
            Token t = peek();
            switch (t.type()) {
                case TEXT -> { current++; out.add(new Text(t.offset(), t.text())); }
                case COMMENT -> current++;
                case OPEN_EXPRESSION -> {
                    current++;
                    Expr value = expression();
                    expect(Type.CLOSE_EXPRESSION, "'}}'");
                    out.add(new Output(t.offset(), value));
                }
                case OPEN_STATEMENT -> out.add(statement());
                default -> throw error("unexpected '" + shown(t) + "'", t.offset());
            }
        }
        return out;
    }

    /** The body of a block statement, which must be closed by one of the given tags. */
    private List<Stmt> block(Token opener, String... closers) {
        enter(opener.offset());
        List<Stmt> b = body(closers);
        nesting--;
        if (atEnd()) throw error("missing {% " + closers[closers.length - 1] + " %} for the tag opened here", opener.offset());
        return b;
    }

    private void endTag(String name) {
        expect(Type.OPEN_STATEMENT, "'{%'");
        expectName(name);
        expect(Type.CLOSE_STATEMENT, "'%}'");
    }

    private Stmt statement() {
        Token open = expect(Type.OPEN_STATEMENT, "'{%'");
        Token name = peek();
        if (name.type() != Type.NAME) throw error("expected a statement name after '{%'", name.offset());
        current++;
        int pos = open.offset();
        return switch (name.text()) {
            case "if" -> ifStatement(open);
            case "for" -> forStatement(open);
            case "set" -> setStatement(open);
            case "macro" -> macroStatement(open);
            case "call" -> callStatement(open);
            case "filter" -> filterStatement(open);
            case "break" -> { expect(Type.CLOSE_STATEMENT, "'%}'"); yield new Break(pos); }
            case "continue" -> { expect(Type.CLOSE_STATEMENT, "'%}'"); yield new Continue(pos); }
            case "endif", "endfor", "endset", "endmacro", "endcall", "endfilter", "elif", "else" ->
                    throw error("'{% " + name.text() + " %}' without a matching opening tag", name.offset());
            default -> throw error("unsupported statement '" + name.text() + "'", name.offset());
        };
    }

    private If ifStatement(Token open) {
        Expr test = expression();
        expect(Type.CLOSE_STATEMENT, "'%}'");
        List<Stmt> then = block(open, "elif", "else", "endif");
        List<Stmt> otherwise = List.of();
        if (atStatement("elif")) {
            Token elif = peek();
            current += 2;
            otherwise = List.of(ifStatement(elif)); // the nested if consumes the shared endif
            return new If(open.offset(), test, then, otherwise);
        }
        if (atStatement("else")) {
            current += 2;
            expect(Type.CLOSE_STATEMENT, "'%}'");
            otherwise = block(open, "endif");
        }
        endTag("endif");
        return new If(open.offset(), test, then, otherwise);
    }

    private For forStatement(Token open) {
        Expr target = targetSequence();
        if (!(target instanceof Name || target instanceof TupleLiteral)) {
            throw error("expected a name or names as the loop variable", target.pos());
        }
        expectName("in");
        Expr iterable = expression();
        Expr condition = null;
        if (iterable instanceof Select s) { // for x in xs if condition
            iterable = s.value();
            condition = s.test();
        }
        expect(Type.CLOSE_STATEMENT, "'%}'");
        List<Stmt> body = block(open, "else", "endfor");
        List<Stmt> otherwise = List.of();
        if (atStatement("else")) {
            current += 2;
            expect(Type.CLOSE_STATEMENT, "'%}'");
            otherwise = block(open, "endfor");
        }
        endTag("endfor");
        return new For(open.offset(), target, iterable, condition, body, otherwise);
    }

    /** Loop targets are plain names, optionally comma-separated or parenthesized. */
    private Expr targetSequence() {
        int pos = peek().offset();
        List<Expr> items = new ArrayList<>(List.of(primary()));
        while (check(Type.COMMA)) {
            current++;
            items.add(primary());
        }
        return items.size() == 1 ? items.getFirst() : new TupleLiteral(pos, items);
    }

    private Set setStatement(Token open) {
        Expr target = expressionSequence();
        boolean valid = target instanceof Name || target instanceof Item item && item.dotted()
                || target instanceof TupleLiteral t && t.items().stream().allMatch(Name.class::isInstance);
        if (!valid) throw error("can only assign to a name, names, or namespace.attribute", target.pos());
        if (check(Type.EQUALS)) {
            current++;
            Expr value = expressionSequence();
            expect(Type.CLOSE_STATEMENT, "'%}'");
            return new Set(open.offset(), target, value, List.of());
        }
        expect(Type.CLOSE_STATEMENT, "'=' or '%}'");
        List<Stmt> body = block(open, "endset");
        endTag("endset");
        return new Set(open.offset(), target, null, body);
    }

    private Macro macroStatement(Token open) {
        Token name = expect(Type.NAME, "a macro name");
        List<Param> params = parameters();
        expect(Type.CLOSE_STATEMENT, "'%}'");
        List<Stmt> body = block(open, "endmacro");
        endTag("endmacro");
        return new Macro(open.offset(), name.text(), params, body);
    }

    private CallBlock callStatement(Token open) {
        List<Param> callerParams = check(Type.OPEN_PAREN) ? parameters() : List.of();
        Token callee = expect(Type.NAME, "a macro name");
        List<Arg> args = arguments();
        expect(Type.CLOSE_STATEMENT, "'%}'");
        List<Stmt> body = block(open, "endcall");
        endTag("endcall");
        Call call = new Call(callee.offset(), new Name(callee.offset(), callee.text()), args);
        return new CallBlock(open.offset(), call, callerParams, body);
    }

    private FilterBlock filterStatement(Token open) {
        Filter filter = filter();
        expect(Type.CLOSE_STATEMENT, "'%}'");
        List<Stmt> body = block(open, "endfilter");
        endTag("endfilter");
        return new FilterBlock(open.offset(), filter, body);
    }

    /** {@code (a, b=default)} of a macro or call block. */
    private List<Param> parameters() {
        Token open = expect(Type.OPEN_PAREN, "'('");
        List<Param> params = new ArrayList<>();
        java.util.Set<String> seen = new HashSet<>();
        while (!check(Type.CLOSE_PAREN)) {
            Token name = expect(Type.NAME, "a parameter name");
            Expr defaultValue = null;
            if (check(Type.EQUALS)) {
                current++;
                defaultValue = expression();
            } else if (!params.isEmpty() && params.getLast().defaultValue() != null) {
                throw error("parameter without default follows one with a default", name.offset());
            }
            if (!seen.add(name.text())) throw error("duplicate parameter '" + name.text() + "'", name.offset());
            params.add(new Param(name.text(), defaultValue));
            if (!check(Type.CLOSE_PAREN)) expect(Type.COMMA, "',' or ')'");
        }
        expect(Type.CLOSE_PAREN, "')' to close the '(' at offset " + open.offset());
        return params;
    }

}
