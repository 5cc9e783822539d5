package dev.muse.text.template;

import java.util.List;
import java.util.Map;

/**
 * Something a template can call: a global ({@code range}, {@code namespace}), a whitelisted method of
 * a string or mapping, or a macro. Templates can call nothing else — there is no path from a template
 * to an arbitrary Java method.
 */
@FunctionalInterface
interface TemplateFunction {
    /**
     * @param positional the positional arguments, after {@code *spread} expansion
     * @param keywords   the keyword arguments, in call order
     * @param caller     the scope at the call site (macros see their caller's variables, as in the reference)
     */
    Object call(List<Object> positional, Map<String, Object> keywords, Scope caller);
}
