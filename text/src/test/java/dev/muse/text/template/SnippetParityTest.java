package dev.muse.text.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.text.template.ReferenceRenderer.Case;
import dev.muse.text.template.ReferenceRenderer.Kind;
import dev.muse.text.template.ReferenceRenderer.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Feature by feature: the small templates in templates/snippets.jinja-cases (whitespace control,
 * loops, macros, operators, filters, methods, printing) must render exactly as Hugging Face renders
 * them, and where Hugging Face fails Muse must fail too.
 */
class SnippetParityTest {

    record Snippet(String name, String template) {}

    static List<Snippet> snippets() throws IOException {
        String all = Files.readString(Corpus.resourceFile("snippets.jinja-cases"), StandardCharsets.UTF_8);
        List<Snippet> out = new ArrayList<>();
        String name = null;
        StringBuilder body = new StringBuilder();
        for (String line : all.split("\n", -1)) {
            if (line.startsWith("### ")) {
                if (name != null) out.add(new Snippet(name, body.substring(0, Math.max(0, body.length() - 1))));
                name = line.substring(4);
                body.setLength(0);
            } else if (name != null) {
                body.append(line).append('\n');
            }
        }
        if (name != null) out.add(new Snippet(name, body.substring(0, Math.max(0, body.length() - 1))));
        return out;
    }

    /** The variables every snippet sees. */
    static Map<String, Object> context() {
        Map<String, Object> c = new LinkedHashMap<>(Conversations.context(Conversations.ALL.get(2), true)); // multi-turn
        c.put("n", 3);
        c.put("f", 1.5);
        c.put("s", "  Hello World  ");
        c.put("flag", true);
        c.put("nothing", null);
        c.put("empty", List.of());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("k1", "v1");
        d.put("b", "zeta");
        d.put("A", "alpha");
        c.put("d", d);
        c.put("people", List.of(
                person("Ann", 34, true, "Paris"), person("bob", 27, null, null), person("Cy", 41, false, "Oslo")));
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("b", List.of());
        inner.put("c", Map.of());
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("a", List.of(1, inner));
        nested.put("d", "é");
        c.put("nested", nested);
        return c;
    }

    private static Map<String, Object> person(String name, int age, Boolean admin, String city) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", name);
        p.put("age", age);
        p.put("admin", admin);
        if (city != null) p.put("address", Map.of("city", city));
        return p;
    }

    @TestFactory
    List<DynamicTest> snippetsRenderLikeHuggingFace() throws IOException {
        List<Snippet> snippets = snippets();
        assertTrue(snippets.size() > 40, "snippet file not parsed: " + snippets.size());
        Path dir = Files.createDirectories(Path.of(System.getProperty("basedir", "."), "target", "template-snippets"));
        Map<String, Object> context = context();
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < snippets.size(); i++) {
            Path file = dir.resolve(i + ".jinja");
            Files.writeString(file, snippets.get(i).template(), StandardCharsets.UTF_8);
            cases.add(new Case(file, context));
        }
        List<Result> expected = ReferenceRenderer.installed().renderAll(cases);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < snippets.size(); i++) {
            Snippet s = snippets.get(i);
            Result ref = expected.get(i);
            tests.add(DynamicTest.dynamicTest(s.name(), () -> check(s, ref, context)));
        }
        return tests;
    }

    private static void check(Snippet s, Result ref, Map<String, Object> context) {
        switch (ref.kind()) {
            case OK -> assertEquals(ref.text(), ChatTemplate.parse(s.template()).withClock(ReferenceRenderer.clock()).render(context));
            case RAISED -> {
                TemplateException e = assertThrows(TemplateException.class, () -> ChatTemplate.parse(s.template()).render(context));
                assertTrue(e.raisedByTemplate(), e::getMessage);
                assertEquals(ref.text(), e.reason());
            }
            case ERROR -> {
                TemplateException e = assertThrows(TemplateException.class, () -> ChatTemplate.parse(s.template()).render(context),
                        () -> "Hugging Face fails with: " + ref.text());
                assertTrue(e.line() > 0, () -> "error without a position: " + e.getMessage());
            }
        }
        assertTrue(ref.kind() != Kind.ERROR || s.name().startsWith("errors:"),
                () -> "the reference failed on a case meant to render: " + ref.text());
    }
}
