package dev.muse.text.template;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.text.template.Conversations.Conversation;
import dev.muse.text.template.ReferenceRenderer.Case;
import dev.muse.text.template.ReferenceRenderer.Kind;
import dev.muse.text.template.ReferenceRenderer.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every chat template in the shared collection, over the standard conversations, in both engines.
 * The invariant: where Muse produces output, it is exactly Hugging Face's; where it cannot, it throws
 * {@link TemplateException}; and where the template rejects the input ({@code raise_exception}),
 * Muse rejects it too. How many cases fall in each class is written to
 * target/template-corpus-report.txt (and to the test output).
 */
class TemplateCorpusTest {

    enum Outcome {
        /** Both rendered, identically. */
        MATCH,
        /** The template raised in both engines. */
        BOTH_RAISED,
        /** Hugging Face failed (an engine error, not the template's raise); Muse failed too. */
        BOTH_FAILED,
        /** Hugging Face failed on a feature it lacks; Muse rendered (nothing to compare with). */
        ONLY_MUSE_RENDERED,
        /** Hugging Face rendered; Muse refused with a TemplateException (allowed, but a gap). */
        ONLY_HF_RENDERED,
        /** Violations of the invariant. */
        DIFFERENT_OUTPUT, MUSE_IGNORED_RAISE
    }

    @Test
    void everyTemplateEitherMatchesHuggingFaceOrThrows() throws IOException {
        List<Path> templates = Corpus.allShared();
        assertTrue(templates.size() >= 10, "expected the shared template collection, found " + templates.size());
        List<Case> cases = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path t : templates) {
            for (Conversation c : Conversations.ALL) {
                for (boolean prompt : new boolean[] {false, true}) {
                    cases.add(new Case(t, Conversations.context(c, prompt)));
                    names.add(Corpus.name(t) + " / " + c.name() + (prompt ? " + prompt" : ""));
                }
            }
        }
        List<Result> expected = ReferenceRenderer.installed().renderAll(cases);

        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        Map<String, String> perTemplate = new TreeMap<>();
        List<String> violations = new ArrayList<>();
        List<String> details = new ArrayList<>();
        Map<Path, ChatTemplate> parsed = new java.util.HashMap<>();
        Map<Path, TemplateException> parseErrors = new java.util.HashMap<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            Result ref = expected.get(i);
            String museOutput = null;
            TemplateException museError = parseErrors.get(c.template());
            if (museError == null) {
                try {
                    ChatTemplate t = parsed.computeIfAbsent(c.template(), p -> ChatTemplate.parse(Corpus.read(p)).withClock(ReferenceRenderer.clock()));
                    museOutput = t.render(c.context());
                } catch (TemplateException e) {
                    museError = e;
                    if (!parsed.containsKey(c.template())) parseErrors.put(c.template(), e);
                }
            }
            Outcome outcome = classify(ref, museOutput, museError);
            counts.merge(outcome, 1, Integer::sum);
            String template = Corpus.name(c.template());
            perTemplate.merge(template, outcome == Outcome.MATCH || outcome == Outcome.BOTH_RAISED ? "=" : symbol(outcome), String::concat);
            if (outcome != Outcome.MATCH && outcome != Outcome.BOTH_RAISED) {
                details.add(outcome + "  " + names.get(i) + "\n    HF:   " + ref.kind() + (ref.kind() == Kind.OK ? "" : " " + oneLine(ref.text()))
                        + "\n    Muse: " + (museError != null ? "TemplateException " + oneLine(museError.getMessage()) : "rendered"));
            }
            if (outcome == Outcome.DIFFERENT_OUTPUT || outcome == Outcome.MUSE_IGNORED_RAISE) {
                violations.add(names.get(i) + ": " + outcome + (outcome == Outcome.DIFFERENT_OUTPUT
                        ? "\n--- expected ---\n" + ref.text() + "\n--- actual ---\n" + museOutput : ""));
            }
        }

        StringBuilder report = new StringBuilder("Chat template corpus: " + templates.size() + " templates x "
                + Conversations.ALL.size() * 2 + " conversations = " + cases.size() + " cases\n");
        counts.forEach((k, v) -> report.append(String.format("  %-20s %d%n", k, v)));
        report.append("\nPer template (= same as HF, M only Muse rendered, H only HF rendered, x both failed, ! violation):\n");
        perTemplate.forEach((k, v) -> report.append(String.format("  %-55s %s%n", k, v)));
        report.append("\nCases other than a match:\n");
        details.forEach(d -> report.append("  ").append(d).append('\n'));
        Path out = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "target", "template-corpus-report.txt");
        Files.writeString(out, report);
        System.out.println(report);

        assertTrue(violations.isEmpty(), () -> violations.size() + " cases violate 'same output or TemplateException':\n"
                + String.join("\n\n", violations.subList(0, Math.min(5, violations.size()))));
    }

    private static Outcome classify(Result ref, String museOutput, TemplateException museError) {
        return switch (ref.kind()) {
            case OK -> museError != null ? Outcome.ONLY_HF_RENDERED : ref.text().equals(museOutput) ? Outcome.MATCH : Outcome.DIFFERENT_OUTPUT;
            case RAISED -> museError != null ? Outcome.BOTH_RAISED : Outcome.MUSE_IGNORED_RAISE;
            case ERROR -> museError != null ? Outcome.BOTH_FAILED : Outcome.ONLY_MUSE_RENDERED;
        };
    }

    private static String symbol(Outcome o) {
        return switch (o) {
            case ONLY_MUSE_RENDERED -> "M";
            case ONLY_HF_RENDERED -> "H";
            case BOTH_FAILED -> "x";
            default -> "!";
        };
    }

    private static String oneLine(String s) {
        String line = s.replace('\n', ' ');
        return line.length() > 160 ? line.substring(0, 160) + "..." : line;
    }
}
