package dev.muse.text.template;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The object {@code namespace(...)} returns: the one value a template may mutate
 * ({@code {% set ns.count = ns.count + 1 %}}), which is how Jinja carries state out of a loop body.
 * Unlike a mapping it has no methods ({@code items()}, {@code get()}) and is not {@code is mapping}.
 */
final class Namespace {
    final Map<String, Object> attributes = new LinkedHashMap<>();
}
