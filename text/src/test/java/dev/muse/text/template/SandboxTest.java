package dev.muse.text.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A chat template is untrusted input from a model file: it must not escape the render, nor hang or
 * exhaust the process. Every hostile template here must fail quickly with a TemplateException.
 */
class SandboxTest {
    private static final Duration FAST = Duration.ofSeconds(10);

    private static TemplateException failure(String template) {
        return failure(template, Map.of());
    }

    private static TemplateException failure(String template, Map<String, ?> context) {
        return assertTimeoutPreemptively(FAST, () -> assertThrows(TemplateException.class, () -> ChatTemplate.parse(template).render(context)));
    }

    @Test
    void nestedHugeLoopsRunOutOfSteps() {
        TemplateException e = failure("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}");
        assertTrue(e.getMessage().contains("evaluation steps"), e::getMessage);
    }

    @Test
    void hugeRangeIsRefusedBeforeItIsBuilt() {
        TemplateException e = failure("{{ range(4000000000000)|length }}");
        assertTrue(e.getMessage().contains("items"), e::getMessage);
    }

    @Test
    void doublingAStringStopsAtTheSizeLimit() {
        TemplateException e = failure("{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}");
        assertTrue(e.getMessage().contains("characters"), e::getMessage);
    }

    @Test
    void stringRepetitionIsBoundedBeforeItIsBuilt() {
        TemplateException e = failure("{{ 'x' * 9000000000000 }}");
        assertTrue(e.getMessage().contains("characters"), e::getMessage);
    }

    @Test
    void doublingAListStopsAtTheSizeLimit() {
        TemplateException e = failure("{% set ns = namespace(l=[1]) %}{% for i in range(64) %}{% set ns.l = ns.l + ns.l %}{% endfor %}");
        assertTrue(e.getMessage().contains("items"), e::getMessage);
    }

    @Test
    void hugeOutputStopsAtTheOutputLimit() {
        TemplateException e = failure("{% for i in range(900000) %}{{ 'twenty-five characters...' }}{% endfor %}");
        assertTrue(e.getMessage().contains("characters"), e::getMessage);
    }

    @Test
    void limitsAreConfigurable() {
        ChatTemplate t = ChatTemplate.parse("{% for i in range(50) %}ab{% endfor %}").withLimits(new RenderLimits(1_000_000, 64, 1000, 8, 16));
        TemplateException e = assertThrows(TemplateException.class, () -> t.render(Map.of()));
        assertTrue(e.getMessage().contains("64 characters"), e::getMessage);
    }

    @Test
    void unboundedRecursionStopsAtTheCallDepth() {
        TemplateException e = failure("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
        assertTrue(e.getMessage().contains("nested deeper"), e::getMessage);
    }

    @Test
    void mutualRecursionStopsToo() {
        failure("{% macro a() %}{{ b() }}{% endmacro %}{% macro b() %}{{ a() }}{% endmacro %}{{ a() }}");
    }

    @Test
    void deeplyNestedSourceIsAParseErrorNotAStackOverflow() {
        failure("{{ " + "(".repeat(100_000) + "1" + ")".repeat(100_000) + " }}");
        failure("{{ " + "[".repeat(100_000) + "]".repeat(100_000) + " }}");
        failure("{{ " + "not ".repeat(100_000) + "x }}");
        failure("{{ " + "-".repeat(100_000) + "x }}");
        failure("{% if x %}".repeat(10_000) + "{% endif %}".repeat(10_000));
    }

    @Test
    void aNamespaceContainingItselfCannotBePrinted() {
        TemplateException e = failure("{% set ns = namespace() %}{% set ns.me = ns %}{{ ns }}");
        assertTrue(e.getMessage().contains("nested deeper"), e::getMessage);
        failure("{% set ns = namespace() %}{% set ns.me = [ns] %}{{ ns|tojson }}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ messages.__class__ }}",
        "{{ messages[0].__class__ }}",
        "{{ messages['__len__'] }}",
        "{{ range.__globals__ }}",
        "{{ raise_exception.__call__ }}",
        "{{ namespace().__dict__ }}",
        "{{ (1).__class__ }}",
        "{{ none.__class__ }}",
        "{{ undefined_name.__class__ }}",
        "{{ ''|attr('__class__') }}",
        "{{ ''.getClass() }}",
        "{{ messages.getClass().forName('java.lang.Runtime') }}",
        "{{ messages.append(1) }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ lipsum.__globals__.os.popen('id').read() }}",
    })
    void noRouteFromTemplateToHostObjects(String template) {
        failure(template, Map.of("messages", List.of(Map.of("role", "user", "content", "hi"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{% include 'secrets.txt' %}",
        "{% import 'macros.jinja' as m %}",
        "{% from 'macros.jinja' import x %}",
        "{% extends 'base.jinja' %}",
        "{% block content %}{% endblock %}",
        "{% raw %}{{ x }}{% endraw %}",
        "{% with x = 1 %}{% endwith %}",
        "{% for x in xs recursive %}{% endfor %}",
    })
    void statementsThatReachOutsideAreRejectedAtParseTime(String template) {
        TemplateException e = assertThrows(TemplateException.class, () -> ChatTemplate.parse(template));
        assertEquals(1, e.line());
        assertTrue(e.column() > 0);
    }

    @Test
    void contextValuesOfOtherTypesAreRefused() {
        ChatTemplate t = ChatTemplate.parse("{{ x }}");
        assertThrows(IllegalArgumentException.class, () -> t.render(Map.of("x", new Object())));
        assertThrows(IllegalArgumentException.class, () -> t.render(Map.of("x", List.of(Thread.currentThread()))));
        assertThrows(IllegalArgumentException.class, () -> t.render(Map.of("x", Map.of(1, "non-string key"))));
    }

    @Test
    void cyclicContextIsRefused() {
        Map<String, Object> cyclic = new HashMap<>();
        cyclic.put("self", cyclic);
        assertThrows(IllegalArgumentException.class, () -> ChatTemplate.parse("{{ x }}").render(Map.of("x", cyclic)));
    }

    @Test
    void templatesCannotChangeTheCallersObjects() {
        List<Object> messages = new ArrayList<>(List.of(new LinkedHashMap<>(Map.of("role", "user", "content", "hi"))));
        Map<String, Object> context = new HashMap<>(Map.of("messages", messages));
        String out = ChatTemplate.parse("{% set ns = namespace(messages[0]) %}{% set ns.role = 'system' %}{% set messages = [] %}{{ ns.role }}")
                .render(context);
        assertEquals("system", out);
        assertEquals(List.of(Map.of("role", "user", "content", "hi")), messages);
        assertEquals(messages, context.get("messages"));
    }

    @Test
    void builtInNamesCannotBeReplacedFromTheContext() {
        assertThrows(TemplateException.class, () -> ChatTemplate.parse("{{ range(2) }}").render(Map.of("range", "x")));
        assertThrows(TemplateException.class, () -> ChatTemplate.parse("{{ true }}").render(Map.of("true", false)));
    }
}
