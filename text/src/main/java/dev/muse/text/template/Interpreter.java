package dev.muse.text.template;

import dev.muse.text.template.Node.*;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Executes a parsed template. Statements write into an output buffer; expressions produce values
 * (see {@link Values}). Every node evaluated is charged to the {@link Budget}, and every failure is
 * placed at the innermost node's source position on its way out.
 */
final class Interpreter {
    private final Positions positions;
    private final Budget budget;
    private final Operators operators;
    private final Filters filters;

    Interpreter(Positions positions, Budget budget) {
        this.positions = positions;
        this.budget = budget;
        this.operators = new Operators(budget);
        this.filters = new Filters(budget);
    }

    /** {@code break} and {@code continue} unwind to the enclosing loop; no stack trace needed. */
    private static final class LoopSignal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final boolean isBreak;
        final int pos;

        LoopSignal(boolean isBreak, int pos) {
            super(null, null, false, false);
            this.isBreak = isBreak;
            this.pos = pos;
        }
    }

    String render(List<Stmt> program, Scope root) {
        StringBuilder out = new StringBuilder();
        runOutsideLoop(program, root, out);
        return out.toString();
    }

    private void runOutsideLoop(List<Stmt> body, Scope scope, StringBuilder out) {
        try {
            run(body, scope, out);
        } catch (LoopSignal s) {
            throw positions.error("'" + (s.isBreak ? "break" : "continue") + "' outside a loop", s.pos);
        }
    }

    private void run(List<Stmt> body, Scope scope, StringBuilder out) {
        for (Stmt s : body) exec(s, scope, out);
    }

    private void exec(Stmt stmt, Scope scope, StringBuilder out) {
        budget.step();
        try {
            switch (stmt) {
                case Text t -> budget.append(out, t.text());
                case Output o -> print(eval(o.value(), scope), out);
                case If i -> run(Values.truthy(eval(i.test(), scope)) ? i.then() : i.otherwise(), scope, out);
                case For f -> loop(f, scope, out);
                case Set s -> assign(s, scope);
                case Macro m -> scope.set(m.name(), macro(m));
                case CallBlock c -> print(callBlock(c, scope), out);
                case FilterBlock f -> {
                    StringBuilder body = new StringBuilder();
                    run(f.body(), scope, body);
                    print(applyFilter(body.toString(), f.filter(), scope), out);
                }
                case Break b -> throw new LoopSignal(true, b.pos());
                case Continue c -> throw new LoopSignal(false, c.pos());
            }
        } catch (TemplateException e) {
            throw positions.locate(e, stmt.pos());
        }
    }

    /** None and undefined print as nothing. */
    private void print(Object value, StringBuilder out) {
        if (value != null && value != Undefined.VALUE) budget.append(out, Values.display(value, budget));
    }

    private void loop(For f, Scope outer, StringBuilder out) {
        Scope scope = new Scope(outer);
        Object iterable = eval(f.iterable(), scope);
        List<?> all = switch (iterable) {
            case List<?> l -> l;
            case Map<?, ?> m -> new ArrayList<>(m.keySet());
            // Python's Jinja (what transformers runs) iterates an undefined name as empty, so tool-use
            // templates render without tools; the reference fails there instead.
            case Undefined u -> List.of();
            default -> throw new TemplateException("cannot loop over " + Values.describe(iterable));
        };
        List<Object> items = new ArrayList<>();
        for (Object item : all) {
            budget.step();
            if (f.condition() != null) { // "for x in xs if cond" filters before loop.* is computed
                Scope test = new Scope(scope);
                bindTarget(f.target(), item, test);
                if (!Values.truthy(eval(f.condition(), test))) continue;
            } else {
                bindTarget(f.target(), item, null); // validates unpacking up front, as the reference does
            }
            items.add(item);
        }
        boolean iterated = false;
        int n = items.size();
        for (int i = 0; i < n; i++) {
            budget.step();
            Map<String, Object> loopInfo = new LinkedHashMap<>();
            loopInfo.put("index", (long) i + 1);
            loopInfo.put("index0", (long) i);
            loopInfo.put("revindex", (long) (n - i));
            loopInfo.put("revindex0", (long) (n - i - 1));
            loopInfo.put("first", i == 0);
            loopInfo.put("last", i == n - 1);
            loopInfo.put("length", (long) n);
            loopInfo.put("previtem", i > 0 ? items.get(i - 1) : Undefined.VALUE);
            loopInfo.put("nextitem", i < n - 1 ? items.get(i + 1) : Undefined.VALUE);
            scope.set("loop", loopInfo);
            bindTarget(f.target(), items.get(i), scope);
            int mark = out.length();
            try {
                run(f.body(), scope, out);
            } catch (LoopSignal s) {
                // The reference renders each iteration separately and drops an interrupted one's
                // partial output; an interrupted iteration also does not count as having run.
                out.setLength(mark);
                if (s.isBreak) break;
                continue;
            }
            iterated = true;
        }
        if (!iterated) run(f.otherwise(), scope, out);
    }

    /** Binds a loop variable or unpacks into several; with a null scope it only checks the shape. */
    private void bindTarget(Expr target, Object item, Scope scope) {
        if (target instanceof Name n) {
            if (scope != null) scope.set(n.name(), item);
            return;
        }
        List<Expr> names = ((TupleLiteral) target).items();
        if (!(item instanceof List<?> values)) throw new TemplateException("cannot unpack " + Values.describe(item));
        if (values.size() != names.size()) {
            throw new TemplateException("too " + (names.size() > values.size() ? "few" : "many") + " items to unpack");
        }
        for (int j = 0; j < names.size(); j++) {
            if (!(names.get(j) instanceof Name n)) throw new TemplateException("can only unpack into names");
            if (scope != null) scope.set(n.name(), values.get(j));
        }
    }

    private void assign(Set s, Scope scope) {
        Object value;
        if (s.value() != null) {
            value = eval(s.value(), scope);
        } else {
            StringBuilder body = new StringBuilder();
            run(s.body(), scope, body);
            value = body.toString();
        }
        switch (s.target()) {
            case Name n -> scope.set(n.name(), value);
            case TupleLiteral t -> {
                if (!(value instanceof List<?> values)) throw new TemplateException("cannot unpack " + Values.describe(value));
                if (values.size() != t.items().size()) {
                    throw new TemplateException("too " + (t.items().size() > values.size() ? "few" : "many") + " items to unpack");
                }
                for (int i = 0; i < values.size(); i++) scope.set(((Name) t.items().get(i)).name(), values.get(i));
            }
            case Item item -> {
                Object target = eval(item.object(), scope);
                if (!(target instanceof Namespace ns)) {
                    throw new TemplateException("can only assign attributes of a namespace, not of " + Values.describe(target));
                }
                if (!(((Literal) item.key()).value() instanceof String attribute)) {
                    throw new TemplateException("namespace attribute names must be names");
                }
                ns.attributes.put(attribute, value);
            }
            default -> throw new TemplateException("cannot assign to this expression");
        }
    }

    /** A macro sees the variables at its call site (as in the reference), plus its parameters. */
    private TemplateFunction macro(Macro m) {
        MacroArguments binding = new MacroArguments("'" + m.name() + "'", m.params(), m.body());
        return (positional, keywords, caller) -> invoke(binding, m.body(), new Scope(caller), positional, keywords);
    }

    private String invoke(MacroArguments binding, List<Stmt> body, Scope scope, List<Object> positional, Map<String, Object> keywords) {
        budget.enterCall();
        try {
            binding.bind(positional, keywords, scope, this::eval);
            StringBuilder out = new StringBuilder();
            runOutsideLoop(body, scope, out);
            return out.toString();
        } finally {
            budget.exitCall();
        }
    }

    private Object callBlock(CallBlock c, Scope scope) {
        MacroArguments binding = new MacroArguments("caller", c.callerParams(), c.body());
        TemplateFunction caller = (positional, keywords, site) -> invoke(binding, c.body(), new Scope(scope), positional, keywords);
        Arguments args = arguments(c.call().args(), scope);
        Object callee = eval(c.call().callee(), scope);
        if (!(callee instanceof TemplateFunction fn)) throw new TemplateException("cannot call " + Values.describe(callee));
        Scope site = new Scope(scope);
        site.set("caller", caller);
        return fn.call(args.positional(), args.keywords(), site);
    }

    // ---- expressions --------------------------------------------------------------------------------

    Object eval(Expr expr, Scope scope) {
        budget.step();
        try {
            return switch (expr) {
                case Literal l -> l.value();
                case Name n -> scope.lookup(n.name());
                case ListLiteral l -> list(l.items(), scope);
                case TupleLiteral t -> new Tuple(list(t.items(), scope));
                case DictLiteral d -> {
                    Map<String, Object> map = new LinkedHashMap<>();
                    for (int i = 0; i < d.keys().size(); i++) {
                        Object key = eval(d.keys().get(i), scope);
                        if (!(key instanceof String k)) throw new TemplateException("mapping keys must be strings, got " + Values.typeName(key));
                        map.put(k, eval(d.values().get(i), scope));
                    }
                    budget.items(map.size());
                    yield map;
                }
                case Item i -> Members.get(eval(i.object(), scope), eval(i.key(), scope), budget);
                case Slice s -> Members.slice(eval(s.object(), scope), bound(s.start(), scope), bound(s.stop(), scope), bound(s.step(), scope), budget);
                case Call c -> {
                    Arguments args = arguments(c.args(), scope); // the reference evaluates arguments first
                    Object callee = eval(c.callee(), scope);
                    if (!(callee instanceof TemplateFunction fn)) throw new TemplateException("cannot call " + Values.describe(callee));
                    yield fn.call(args.positional(), args.keywords(), scope);
                }
                case Unary u -> u.op().equals("not") ? !Values.truthy(eval(u.operand(), scope)) : operators.sign(u.op(), eval(u.operand(), scope));
                case Binary b -> binary(b, scope);
                case FilterExpr f -> applyFilter(eval(f.operand(), scope), f.filter(), scope);
                case Test t -> {
                    Object operand = eval(t.operand(), scope);
                    Arguments args = arguments(t.args(), scope);
                    yield Tests.test(t.test(), operand, args.positional()) != t.negated();
                }
                case Conditional c -> eval(Values.truthy(eval(c.test(), scope)) ? c.then() : c.otherwise(), scope);
                case Select s -> Values.truthy(eval(s.test(), scope)) ? eval(s.value(), scope) : Undefined.VALUE;
            };
        } catch (TemplateException e) {
            throw positions.locate(e, expr.pos());
        }
    }

    private List<Object> list(List<Expr> items, Scope scope) {
        budget.items(items.size());
        List<Object> out = new ArrayList<>(items.size());
        for (Expr e : items) out.add(eval(e, scope));
        return out;
    }

    /** A left-out slice bound is undefined; an explicit one must evaluate to an integer. */
    private Object bound(Expr e, Scope scope) {
        return e == null ? Undefined.VALUE : eval(e, scope);
    }

    private Object binary(Binary b, Scope scope) {
        Object left = eval(b.left(), scope);
        return switch (b.op()) {
            case "and" -> Values.truthy(left) ? eval(b.right(), scope) : left;
            case "or" -> Values.truthy(left) ? left : eval(b.right(), scope);
            default -> operators.binary(b.op(), left, eval(b.right(), scope));
        };
    }

    private Object applyFilter(Object operand, Filter filter, Scope scope) {
        if (filter.args() == null) return filters.apply(filter.name(), operand, List.of(), Map.of(), false);
        Arguments args = arguments(filter.args(), scope);
        return filters.apply(filter.name(), operand, args.positional(), args.keywords(), true);
    }

    record Arguments(List<Object> positional, Map<String, Object> keywords) {}

    /** Positional arguments (with {@code *spread}) are evaluated before keywords, as in the reference. */
    private Arguments arguments(List<Arg> args, Scope scope) {
        List<Object> positional = new ArrayList<>();
        Map<String, Object> keywords = new LinkedHashMap<>();
        for (Arg a : args) {
            if (a.kind() == Arg.Kind.POSITIONAL) {
                positional.add(eval(a.value(), scope));
            } else if (a.kind() == Arg.Kind.SPREAD) {
                if (!(eval(a.value(), scope) instanceof List<?> items)) throw new TemplateException("can only unpack a list with *");
                budget.items(items.size());
                positional.addAll(items);
            }
        }
        for (Arg a : args) {
            if (a.kind() == Arg.Kind.KEYWORD) {
                addKeyword(keywords, a.name(), eval(a.value(), scope));
            } else if (a.kind() == Arg.Kind.KEYWORD_SPREAD) {
                if (!(eval(a.value(), scope) instanceof Map<?, ?> map)) throw new TemplateException("can only unpack a mapping with **");
                for (Map.Entry<?, ?> e : map.entrySet()) addKeyword(keywords, (String) e.getKey(), e.getValue());
            }
        }
        return new Arguments(positional, keywords);
    }

    private static void addKeyword(Map<String, Object> keywords, String name, Object value) {
        if (keywords.containsKey(name)) throw new TemplateException("got multiple values for keyword argument '" + name + "'");
        keywords.put(name, value);
    }
}
