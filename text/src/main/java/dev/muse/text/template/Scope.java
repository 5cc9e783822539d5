package dev.muse.text.template;

import java.util.HashMap;
import java.util.Map;

/**
 * A level of variables: the globals and the context at the root, one per for loop, macro call and
 * call block. {@code set} writes the innermost level, so an assignment inside a loop body is not
 * seen after the loop (use a namespace for that), while {@code if} blocks share their parent's level.
 */
final class Scope {
    private final Scope parent;
    private final Map<String, Object> variables = new HashMap<>();

    Scope(Scope parent) {
        this.parent = parent;
    }

    /** The innermost binding of the name, or {@link Undefined#VALUE}; {@code none} is a binding to null. */
    Object lookup(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            Map<String, Object> vars = s.variables;
            if (vars.containsKey(name)) return vars.get(name);
        }
        return Undefined.VALUE;
    }

    void set(String name, Object value) {
        variables.put(name, value);
    }

    boolean declaresHere(String name) {
        return variables.containsKey(name);
    }
}
