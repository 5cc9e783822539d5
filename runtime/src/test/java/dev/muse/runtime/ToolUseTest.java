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
 * Muse's own tools on a tiny random Qwen2 behind Qwen 2.5's real chat template: a round that calls Muse's tool is run by
 * the engine and answered on from its result; a call of the client's function goes back to the client; a tool whose model
 * is absent is not offered. Random weights never call by themselves, so the first round's call is required by name.
 */
class ToolUseTest {
    @TempDir static Path dir;
    static Engine engine;

    @BeforeAll
    static void start() throws Exception {
        String qwen = ToolCallsTest.template("Qwen-Qwen2.5-7B-Instruct.jinja");
        Path hermes = new TinyModel(TinyFamily.QWEN2, GgmlType.Q8_0, 21).write(dir.resolve("hermes.gguf"), m -> {
            m.putString("tokenizer.chat_template", qwen);
            m.putUInt32("qwen2.context_length", 2048);
        });
        engine = new Engine(new Engine.Config(List.of(new ModelPaths("hermes", hermes, null)), null, 1L << 30, new Scheduler.Options(2, 2048, 256)));
    }

    @AfterAll
    static void stop() { engine.close(); }

    static ChatRequest ask(Tools tools) {
        return new ChatRequest("hermes", List.of(ChatRequest.Message.of("user", "What is 12 times 3?")), null,
                GenerationOptions.of(600, Sampling.greedy())).withTools(tools).withOwnTools(ChatRequest.OWN_TOOLS);
    }

    @Test
    void aCallOfMuseOwnToolIsRunAndTheModelAnswersFromItsResult() throws Exception {
        List<Event> events = EngineTest.drain(engine.chat(ask(new Tools(List.of(), Tools.Choice.NAMED, "calculator", false))));
        List<Event.ToolStep> steps = events.stream().filter(e -> e instanceof Event.ToolStep).map(e -> (Event.ToolStep) e).toList();
        assertEquals(1, steps.size(), events.toString());
        Event.ToolStep step = steps.getFirst();
        assertEquals("calculator", step.name());
        String expression = (String) ((java.util.Map<?, ?>) dev.muse.formats.JsonValues.parse(step.arguments(), "arguments")).get("expression");
        String expected;
        try {
            expected = Calculator.format(Calculator.evaluate(expression));
        } catch (IllegalArgumentException e) {
            expected = "error: " + e.getMessage();
        }
        assertEquals(expected, step.result(), "the model reads back what the calculator says");
        assertTrue(events.stream().noneMatch(e -> e instanceof Event.ToolCall), "Muse's own calls are not the client's to run");
        Event.Done done = (Event.Done) events.get(events.size() - 2);
        assertNotEquals(FinishReason.TOOL_CALLS, done.reason(), "the answer goes on after the step");
        assertEquals(1, events.stream().filter(e -> e instanceof Event.Done).count(), "one answer");
        Event.Usage usage = (Event.Usage) events.getLast();
        assertTrue(usage.completionTokens() > done.completionTokens(), "the usage counts the call's round too: " + usage + " " + done);
        assertTrue(events.indexOf(step) < events.indexOf(done));
    }

    @Test
    void aCallOfTheClientsFunctionGoesBackToTheClient() throws Exception {
        Tools.Function weather = new Tools.Function("get_weather", "The weather in a city.", java.util.Map.of("type", "object", "properties",
                java.util.Map.of("city", java.util.Map.of("type", "string", "maxLength", 8)), "required", List.of("city"), "additionalProperties", false));
        List<Event> events = EngineTest.drain(engine.chat(ask(new Tools(List.of(weather), Tools.Choice.NAMED, "get_weather", false))));
        assertTrue(events.stream().noneMatch(e -> e instanceof Event.ToolStep), events.toString());
        assertEquals("get_weather", events.stream().filter(e -> e instanceof Event.ToolCall).map(e -> ((Event.ToolCall) e).name()).findFirst().orElseThrow());
        assertEquals(FinishReason.TOOL_CALLS, ((Event.Done) events.get(events.size() - 2)).reason());
    }

    @Test
    void aToolWhoseModelIsAbsentIsNotOffered() throws Exception {
        ChatRequest drawOnly = ask(new Tools(List.of(), Tools.Choice.NAMED, "generate_image", false)).withOwnTools(List.of("generate_image"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> engine.chat(drawOnly));
        assertTrue(e.getMessage().contains("'generate_image' that must be called is not among the tools"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ask(null).withOwnTools(List.of("rm_rf")), "only Muse's tools by name");
        List<Event> plain = EngineTest.drain(engine.chat(ask(null).withOwnTools(List.of("generate_image"))));
        assertTrue(plain.stream().noneMatch(x -> x instanceof Event.ToolStep || x instanceof Event.ToolCall), "answered without tools");
    }
}
