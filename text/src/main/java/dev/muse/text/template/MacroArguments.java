package dev.muse.text.template;

import dev.muse.text.template.Node.*;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds a macro call's arguments to the macro's parameters the way the reference does: positional
 * first, then keywords by name, then defaults (evaluated after all names are bound, so a default can
 * use an earlier parameter). Extra arguments are an error unless the body reads Jinja's implicit
 * {@code varargs} / {@code kwargs}.
 */
final class MacroArguments {
    private final String displayName;
    private final List<Param> params;
    private final boolean readsVarargs;
    private final boolean readsKwargs;

    MacroArguments(String displayName, List<Param> params, List<Stmt> body) {
        this.displayName = displayName;
        this.params = params;
        boolean declaresVarargs = false, declaresKwargs = false;
        for (Param p : params) {
            declaresVarargs |= p.name().equals("varargs");
            declaresKwargs |= p.name().equals("kwargs");
        }
        this.readsVarargs = !declaresVarargs && mentions(body, "varargs");
        this.readsKwargs = !declaresKwargs && mentions(body, "kwargs");
    }

    /** Defines every parameter in the scope; {@code evaluate} computes defaults in that scope. */
    void bind(List<Object> positional, Map<String, Object> keywords, Scope scope,
              java.util.function.BiFunction<Expr, Scope, Object> evaluate) {
        Map<String, Object> extraKeywords = new LinkedHashMap<>(keywords);
        List<Param> pending = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            if (i < positional.size()) {
                scope.set(p.name(), positional.get(i));
            } else if (extraKeywords.containsKey(p.name())) {
                scope.set(p.name(), extraKeywords.remove(p.name()));
            } else {
                scope.set(p.name(), Undefined.VALUE);
                if (p.defaultValue() != null) pending.add(p);
            }
        }
        if (readsKwargs) {
            scope.set("kwargs", extraKeywords);
        } else if (!extraKeywords.isEmpty()) {
            throw new TemplateException("macro " + displayName + " takes no keyword argument '" + extraKeywords.keySet().iterator().next() + "'");
        }
        if (readsVarargs) {
            scope.set("varargs", positional.size() > params.size() ? new ArrayList<>(positional.subList(params.size(), positional.size())) : new ArrayList<>());
        } else if (positional.size() > params.size()) {
            throw new TemplateException("macro " + displayName + " takes not more than " + params.size() + " argument(s)");
        }
        for (Param p : pending) scope.set(p.name(), evaluate.apply(p.defaultValue(), scope));
    }

    /** Does any expression in these statements read the given name? */
    private static boolean mentions(List<Stmt> body, String name) {
        for (Stmt s : body) if (mentions(s, name)) return true;
        return false;
    }

    private static boolean mentions(Node n, String name) {
        return switch (n) {
            case null -> false;
            case Text t -> false;
            case Break b -> false;
            case Continue c -> false;
            case Output o -> mentions(o.value(), name);
            case If i -> mentions(i.test(), name) || mentions(i.then(), name) || mentions(i.otherwise(), name);
            case For f -> mentions(f.iterable(), name) || mentions(f.condition(), name) || mentions(f.body(), name) || mentions(f.otherwise(), name);
            case Set s -> mentions(s.target(), name) || mentions(s.value(), name) || mentions(s.body(), name);
            case Macro m -> m.params().stream().anyMatch(p -> mentions(p.defaultValue(), name)) || mentions(m.body(), name);
            case CallBlock c -> mentions(c.call(), name) || mentions(c.body(), name);
            case FilterBlock f -> mentionsArgs(f.filter().args(), name) || mentions(f.body(), name);
            case Literal l -> false;
            case Name v -> v.name().equals(name);
            case ListLiteral l -> l.items().stream().anyMatch(e -> mentions(e, name));
            case TupleLiteral t -> t.items().stream().anyMatch(e -> mentions(e, name));
            case DictLiteral d -> d.keys().stream().anyMatch(e -> mentions(e, name)) || d.values().stream().anyMatch(e -> mentions(e, name));
            case Item i -> mentions(i.object(), name) || mentions(i.key(), name);
            case Slice s -> mentions(s.object(), name) || mentions(s.start(), name) || mentions(s.stop(), name) || mentions(s.step(), name);
            case Call c -> mentions(c.callee(), name) || mentionsArgs(c.args(), name);
            case Unary u -> mentions(u.operand(), name);
            case Binary b -> mentions(b.left(), name) || mentions(b.right(), name);
            case FilterExpr f -> mentions(f.operand(), name) || mentionsArgs(f.filter().args(), name);
            case Test t -> mentions(t.operand(), name) || mentionsArgs(t.args(), name);
            case Conditional c -> mentions(c.test(), name) || mentions(c.then(), name) || mentions(c.otherwise(), name);
            case Select s -> mentions(s.value(), name) || mentions(s.test(), name);
        };
    }

    private static boolean mentionsArgs(List<Arg> args, String name) {
        if (args == null) return false;
        for (Arg a : args) if (mentions(a.value(), name)) return true;
        return false;
    }
}
