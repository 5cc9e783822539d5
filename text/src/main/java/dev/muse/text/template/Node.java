package dev.muse.text.template;

import java.util.List;

/**
 * The parsed template. Every node remembers {@code pos}, the offset in the original source where it
 * starts, so runtime failures can name a line and column.
 */
sealed interface Node {
    int pos();

    // ---- statements: they write output ------------------------------------------------------------

    sealed interface Stmt extends Node {}

    /** Literal template text between tags. */
    record Text(int pos, String text) implements Stmt {}

    /** {@code {{ value }}}: prints the value unless it is none or undefined. */
    record Output(int pos, Expr value) implements Stmt {}

    record If(int pos, Expr test, List<Stmt> then, List<Stmt> otherwise) implements Stmt {}

    /** {@code {% for target in iterable [if condition] %}}; condition may be null. */
    record For(int pos, Expr target, Expr iterable, Expr condition, List<Stmt> body, List<Stmt> otherwise) implements Stmt {}

    /** {@code {% set target = value %}}, or with value null the block form whose body renders the value. */
    record Set(int pos, Expr target, Expr value, List<Stmt> body) implements Stmt {}

    record Macro(int pos, String name, List<Param> params, List<Stmt> body) implements Stmt {}

    /** {@code {% call(callerParams) macro(args) %}body{% endcall %}}: body becomes {@code caller()}. */
    record CallBlock(int pos, Call call, List<Param> callerParams, List<Stmt> body) implements Stmt {}

    /** {@code {% filter name(args) %}body{% endfilter %}}. */
    record FilterBlock(int pos, Filter filter, List<Stmt> body) implements Stmt {}

    record Break(int pos) implements Stmt {}

    record Continue(int pos) implements Stmt {}

    /** A macro parameter; {@code defaultValue} is null when it has none. */
    record Param(String name, Expr defaultValue) {}

    // ---- expressions: they produce values ---------------------------------------------------------

    sealed interface Expr extends Node {}

    /** A string, integer or float literal. */
    record Literal(int pos, Object value) implements Expr {}

    record Name(int pos, String name) implements Expr {}

    record ListLiteral(int pos, List<Expr> items) implements Expr {}

    /** {@code (a, b)}, also the target of {@code for a, b in ...} and {@code set a, b = ...}. */
    record TupleLiteral(int pos, List<Expr> items) implements Expr {}

    record DictLiteral(int pos, List<Expr> keys, List<Expr> values) implements Expr {}

    /** {@code object.name} (dotted) or {@code object[key]}. */
    record Item(int pos, Expr object, Expr key, boolean dotted) implements Expr {}

    /** {@code object[start:stop:step]}; absent parts are null. */
    record Slice(int pos, Expr object, Expr start, Expr stop, Expr step) implements Expr {}

    record Call(int pos, Expr callee, List<Arg> args) implements Expr {}

    /** {@code not x}, {@code -x}, {@code +x}. */
    record Unary(int pos, String op, Expr operand) implements Expr {}

    /** Arithmetic, comparison, {@code in}/{@code not in}, {@code ~}, and the short-circuit and/or. */
    record Binary(int pos, String op, Expr left, Expr right) implements Expr {}

    /** {@code operand | filter}. */
    record FilterExpr(int pos, Expr operand, Filter filter) implements Expr {}

    /** {@code operand is [not] test [args]}. */
    record Test(int pos, Expr operand, String test, boolean negated, List<Arg> args) implements Expr {}

    /** {@code then if test else otherwise}. */
    record Conditional(int pos, Expr test, Expr then, Expr otherwise) implements Expr {}

    /** {@code value if test} without else: undefined when the test fails (and the for-loop filter). */
    record Select(int pos, Expr value, Expr test) implements Expr {}

    /** A filter name with its arguments; {@code args} is null for the bare {@code | name} form. */
    record Filter(int pos, String name, List<Arg> args) {}

    /** A call argument: positional, {@code name=value}, {@code *list} or {@code **mapping}. */
    record Arg(Kind kind, String name, Expr value) {
        enum Kind { POSITIONAL, KEYWORD, SPREAD, KEYWORD_SPREAD }
    }
}
