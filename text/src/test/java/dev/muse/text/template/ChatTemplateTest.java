package dev.muse.text.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.text.ChatMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The public API, error reporting, and the behaviour Muse defines where the reference has none. */
class ChatTemplateTest {

    private static String render(String template, Map<String, ?> context) {
        return ChatTemplate.parse(template).render(context);
    }

    private static String render(String template) {
        return render(template, Map.of());
    }

    @Test
    void convenienceRenderBuildsTheStandardContext() {
        ChatTemplate smol = ChatTemplate.parse(Corpus.read(Corpus.resource("HuggingFaceTB-SmolLM2-Instruct")));
        String out = smol.render(List.of(ChatMessage.user("Hi")), true, "<s>", "</s>", null);
        assertEquals("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
                + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", out);
        String vars = ChatTemplate.parse("{{ bos_token }}|{{ eos_token }}|{{ add_generation_prompt }}|{{ messages|length }}|{{ tools is defined }}|{{ tools|length }}")
                .render(List.of(ChatMessage.system("s"), ChatMessage.user("u")), false, "<s>", "</s>", Map.of("tools", List.of(Map.of("name", "t"))));
        assertEquals("<s>|</s>|false|2|true|1", vars);
        assertEquals("false", ChatTemplate.parse("{{ tools is defined }}").render(List.of(), false, "", "", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> ChatTemplate.chatContext(List.of(), false, "", "", Map.of("messages", List.of())));
    }

    @Test
    void syntaxErrorsPointAtLineAndColumn() {
        TemplateException e = assertThrows(TemplateException.class, () -> ChatTemplate.parse("line one\n  {{ foo( }}"));
        assertEquals(2, e.line());
        assertEquals(11, e.column()); // the '}}' where an argument was expected
        assertTrue(e.getMessage().endsWith("(line 2, column 11)"), e.getMessage());

        TemplateException unclosed = assertThrows(TemplateException.class, () -> ChatTemplate.parse("a\n{% for x in y %}\nbody"));
        assertEquals(2, unclosed.line());
        assertTrue(unclosed.reason().contains("endfor"), unclosed.reason());

        TemplateException stray = assertThrows(TemplateException.class, () -> ChatTemplate.parse("{% endif %}"));
        assertTrue(stray.reason().contains("without a matching"), stray.reason());
    }

    @Test
    void positionsSurviveTheWhitespacePreprocessing() {
        // trim_blocks removes the newlines after these tags and lstrip_blocks the indentation, but
        // errors still point into the source as written.
        String template = "{% if true %}\n    {% if true %}\n        {{ 1 + none }}\n    {% endif %}\n{% endif %}";
        TemplateException e = assertThrows(TemplateException.class, () -> render(template));
        assertEquals(3, e.line());
        assertEquals(14, e.column());
    }

    @Test
    void raiseExceptionIsReportedAsTheTemplatesOwnRefusal() {
        TemplateException e = assertThrows(TemplateException.class, () -> render("{{ raise_exception('Roles must alternate') }}"));
        assertTrue(e.raisedByTemplate());
        assertEquals("Roles must alternate", e.reason());
        assertEquals(1, e.line());
        assertFalse(assertThrows(TemplateException.class, () -> render("{{ x + }}")).raisedByTemplate());
    }

    @Test
    void strftimeNowReadsTheInjectedClock() {
        Clock clock = Clock.fixed(Instant.parse("2024-02-29T23:05:00Z"), ZoneId.of("Asia/Tokyo"));
        ChatTemplate t = ChatTemplate.parse("{{ strftime_now('%Y-%m-%d %H:%M %b %B %%') }}").withClock(clock);
        assertEquals("2024-03-01 08:05 Mar March %", t.render(Map.of()));
        assertThrows(TemplateException.class, () -> render("{{ strftime_now('%A') }}"));
    }

    @Test
    void contextNumbersAreNormalized() {
        assertEquals("3 2.5 true", render("{{ i + 1 }} {{ f + 1 }} {{ i is integer }}", Map.of("i", 2, "f", 1.5f)));
    }

    /** Jinja features the reference lacks; Muse implements them as Python's Jinja does. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '`', textBlock = """
        {{ [1, 2, 3]|count }} => 3
        {{ 'one two  three'|wordcount }} => 3
        {{ '<a href="x">&\\'</a>'|e }} => &lt;a href=&#34;x&#34;&gt;&amp;&#39;&lt;/a&gt;
        {{ 2.5|round }} {{ 3.5|round }} {{ 2.675|round(2) }} => 2.0 4.0 2.67
        {{ 2.1|round(method='ceil') }} {{ 7|round }} => 3.0 7
        {{ missing|d('x') }} => x
        {{ [0, 1, 2, 3]|select('odd')|list }} => [1, 3]
        {{ [0, 1, '', 'a']|reject|list }} => [0, ""]
        {{ ['b', 'a']|map('upper')|join }} => BA
        {{ [3, 1, 2]|min }} {{ ['b', 'C', 'a']|max }} => 1 C
        {{ dict(a=1, b='x') }} => {"a": 1, "b": "x"}
        {{ 9 is divisibleby 3 }} {{ 'a' is eq('a') }} {{ 1 is ne(1) }} => true true false
        {{ '{}-{}-{0}-{name}'.format('a', 1, name='n') }} => a-1-a-n
        {{ 'xxhixx'.strip('x') }}|{{ '  x\\n'.rstrip('\\n') }}| => hi|  x|
        [{{ ' x '|trim(' x') }}] => []
        {% for t in missing %}never{% else %}empty{% endfor %} => empty
        {{ missing|length }} {{ missing|trim }}! => 0 !
        {{ 'abc'|list }} {{ {'k': 1}|list }} => ["a", "b", "c"] ["k"]
        {{ 'héllo'|reverse }} => olléh
        [{{ 'ab' * 3 }}|{{ 2 * '-' }}|{{ 'x' * 0 }}] => [ababab|--|]
        """)
    void extensionsBeyondTheReference(String template, String expected) {
        assertEquals(expected, render(template));
    }

    /** Refused rather than guessed: Python and the reference would print different things. */
    @ParameterizedTest
    @ValueSource(strings = {
        "{{ {'a': 1}|string }}",
        "{{ d|tojson(sort_keys=true) }}",
        "{{ x|tojson(4) }}",
        "{{ '{:>5}'.format(1) }}",
        "{{ '{}'.format(none) }}",
        "{{ 9007199254740993 }}",
        "{{ 2 ** 60 }}",
        "{{ 1 / 0 }}",
        "{{ [1, 2][::0] }}",
        "{{ 'a'.split(',', -2) }}",
        "{% break %}",
    })
    void ambiguousCasesAreRefused(String template) {
        assertThrows(TemplateException.class, () -> render(template, Map.of("d", Map.of("b", 1), "x", 1)));
    }

    @Test
    void templatesAreReusableAndIndependentPerRender() {
        ChatTemplate t = ChatTemplate.parse("{% set ns = namespace(n=0) %}{% for m in messages %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}");
        assertEquals("2", t.render(Map.of("messages", List.of(1, 2))));
        assertEquals("3", t.render(Map.of("messages", List.of(1, 2, 3))));
    }

    @Test
    void undefinedIsAValueTheCallerCanPass() {
        assertEquals("false|", render("{{ x is defined }}|{{ x }}", Map.of("x", Undefined.VALUE)));
    }
}
