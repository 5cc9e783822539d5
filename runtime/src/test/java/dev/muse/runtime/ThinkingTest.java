package dev.muse.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.GgmlType;
import dev.muse.hub.ModelPaths;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reasoning model's thought reaches the caller apart from its answer ({@link Event.Reasoning} before the choice's
 * {@link Event.Token}s), and a thought budget closes it so the model answers. The model is a tiny random Qwen3 (the real
 * vocabulary, where {@code <think>} and {@code </think>} are single tokens) behind a template that opens the thought
 * in the prompt, as DeepSeek-R1's distills do; random weights never close a thought by themselves, so the budget's
 * closing is what ends it.
 */
class ThinkingTest {
    static final String TURNS = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}";
    static final String OPENS_THOUGHT = TURNS + "<|im_start|>assistant\n<think>\n";
    static final String NO_THOUGHT = TURNS + "<|im_start|>assistant\n";

    @TempDir static Path dir;
    static Engine engine;

    @BeforeAll
    static void start() throws Exception {
        TinyModel tiny = new TinyModel(TinyFamily.QWEN3, GgmlType.Q8_0, 77);
        Path reasoning = tiny.write(dir.resolve("reasoning.gguf"), m -> m.putString("tokenizer.chat_template", OPENS_THOUGHT));
        Path plain = tiny.write(dir.resolve("plain.gguf"), m -> m.putString("tokenizer.chat_template", NO_THOUGHT));
        engine = new Engine(new Engine.Config(List.of(new ModelPaths("reasoning", reasoning, null), new ModelPaths("plain", plain, null)),
                null, 1L << 30, new Scheduler.Options(2, 256, 32)));
    }

    @AfterAll
    static void stop() { engine.close(); }

    static ChatRequest ask(String model, int maxTokens) {
        return new ChatRequest(model, List.of(ChatRequest.Message.of("user", "What is 12 times 3?")), Mode.THINKING,
                GenerationOptions.of(maxTokens, Sampling.greedy()));
    }

    /** The thought and the answer of choice 0, checking that no thought comes after the answer began. */
    static String[] thoughtAndAnswer(List<Event> events) {
        StringBuilder thought = new StringBuilder(), answer = new StringBuilder();
        for (Event e : events) {
            switch (e) {
                case Event.Reasoning r -> {
                    assertTrue(answer.isEmpty(), "no thought after the answer began");
                    thought.append(r.text());
                }
                case Event.Token t -> answer.append(t.text());
                default -> { }
            }
        }
        return new String[] {thought.toString(), answer.toString()};
    }

    @Test
    void aThoughtPastItsBudgetIsClosedAndTheAnswerFollowsApartFromIt() throws Exception {
        List<Event> events = EngineTest.drain(engine.chat(ask("reasoning", 60).withThoughtBudget(8)));
        String[] split = thoughtAndAnswer(events);
        assertTrue(split[0].endsWith("I have to give the solution based on the thinking directly now."), split[0]);
        assertFalse(split[0].contains(Thoughts.OPEN) || split[0].contains(Thoughts.CLOSE), split[0]);
        assertFalse(split[1].isBlank(), "an answer follows the closed thought");
        assertFalse(split[1].contains(Thoughts.CLOSE), split[1]);
        Event.Done done = (Event.Done) events.get(events.size() - 2);
        assertEquals(60, done.completionTokens(), "the closing's tokens count as generated");
    }

    @Test
    void withoutABudgetTheThoughtRunsToTheLengthLimitAndStaysAThought() throws Exception {
        List<Event> events = EngineTest.drain(engine.chat(ask("reasoning", 24)));
        String[] split = thoughtAndAnswer(events);
        assertFalse(split[0].isBlank());
        assertEquals("", split[1]);
        assertEquals(FinishReason.LENGTH, ((Event.Done) events.get(events.size() - 2)).reason());
    }

    @Test
    void aModelWhoseTemplateNeverThinksAndAContinuedTextAreAllAnswer() throws Exception {
        List<Event> chat = EngineTest.drain(engine.chat(ask("plain", 16).withThoughtBudget(4)));
        assertTrue(chat.stream().noneMatch(e -> e instanceof Event.Reasoning), chat.toString());
        assertEquals(16, ((Event.Done) chat.get(chat.size() - 2)).completionTokens(), "no closing written");
        List<Event> text = EngineTest.drain(engine.complete(CompletionRequest.ofText("reasoning", "<think>\nOnce", GenerationOptions.of(8, Sampling.greedy()))));
        assertTrue(text.stream().noneMatch(e -> e instanceof Event.Reasoning), text.toString());
    }
}
