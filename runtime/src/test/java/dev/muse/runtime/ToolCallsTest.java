package dev.muse.runtime;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.muse.engine.GgmlType;
import dev.muse.hub.ModelPaths;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Function calling on a tiny random Qwen2 behind Qwen 2.5's real chat template (Hermes-style {@code <tool_call>}) and a
 * Llama 3 behind Llama 3.2's: a call the model must make is kept to the format and the parameters (random weights never
 * write one by themselves), comes back as {@link Event.ToolCall}s with arguments a JSON-schema validator accepts, and
 * the choice ends with {@link FinishReason#TOOL_CALLS}; a model free to answer writes text.
 */
class ToolCallsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String WEATHER_PARAMETERS = "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\",\"maxLength\":12},"
            + "\"unit\":{\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"location\",\"unit\"],\"additionalProperties\":false}";

    @TempDir static Path dir;
    static Engine engine;
    static Tools.Function weather, time;

    static String template(String name) throws Exception {
        Path file = Path.of(System.getProperty("muse.shared", "../../shared"), "llama.cpp-models", "templates", name);
        if (!Files.isRegularFile(file)) fail("test data missing: " + file + " (the shared folder must sit beside the checkout)");
        return Files.readString(file);
    }

    @BeforeAll
    static void start() throws Exception {
        String qwen = template("Qwen-Qwen2.5-7B-Instruct.jinja"), llama = template("meta-llama-Llama-3.2-3B-Instruct.jinja");
        Path hermes = new TinyModel(TinyFamily.QWEN2, GgmlType.Q8_0, 21).write(dir.resolve("hermes.gguf"), m -> {
            m.putString("tokenizer.chat_template", qwen);
            m.putUInt32("qwen2.context_length", 1024);
        });
        Path llama3 = new TinyModel(TinyFamily.LLAMA3_TIED, GgmlType.Q8_0, 22).write(dir.resolve("llama3.gguf"), m -> {
            m.putString("tokenizer.chat_template", llama);
            m.putUInt32("llama.context_length", 1024);
        });
        Path plain = new TinyModel(TinyFamily.LLAMA2, GgmlType.Q8_0, 23).write(dir.resolve("plain.gguf"),
                m -> m.putString("tokenizer.chat_template", "{% for m in messages %}{{ m.content }}{% endfor %}"));
        engine = new Engine(new Engine.Config(List.of(new ModelPaths("hermes", hermes, null), new ModelPaths("llama3", llama3, null),
                new ModelPaths("plain", plain, null)), null, 1L << 30, new Scheduler.Options(2, 1024, 64)));
        weather = new Tools.Function("get_weather", "The weather in a city now.", JSON.readValue(WEATHER_PARAMETERS, Object.class));
        time = new Tools.Function("get_time", "The time in a city.", Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string", "maxLength", 8)),
                "required", List.of("city"), "additionalProperties", false));
    }

    @AfterAll
    static void stop() { engine.close(); }

    static List<Event> ask(String model, Tools tools, long seed) throws Exception {
        return ask(model, tools, seed, 200);
    }

    static List<Event> ask(String model, Tools tools, long seed, int maxTokens) throws Exception {
        ChatRequest request = new ChatRequest(model, List.of(ChatRequest.Message.of("user", "What's the weather in Paris?")), null,
                GenerationOptions.of(maxTokens, Sampling.defaults(seed))).withTools(tools);
        List<Event> events = EngineTest.drain(engine.chat(request));
        if (events.getLast() instanceof Event.Error e) throw e.error();
        return events;
    }

    static List<Event.ToolCall> calls(List<Event> events) {
        return events.stream().filter(e -> e instanceof Event.ToolCall).map(e -> (Event.ToolCall) e).toList();
    }

    @Test
    void aRequiredCallKeepsTheFormatAndTheParameters() throws Exception {
        Schema judge = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(WEATHER_PARAMETERS);
        for (String model : List.of("hermes", "llama3")) {
            for (long seed = 1; seed <= 3; seed++) {
                // parallel calls where the format has them: random weights may go on calling, so there is room for many
                boolean parallel = model.equals("hermes");
                List<Event> events = ask(model, new Tools(List.of(weather, time), Tools.Choice.REQUIRED, null, parallel), seed, parallel ? 700 : 200);
                List<Event.ToolCall> calls = calls(events);
                assertFalse(calls.isEmpty(), model + ": " + events);
                for (Event.ToolCall call : calls) {
                    assertTrue(call.id().startsWith("call_"), call.id());
                    Schema schema = call.name().equals("get_weather") ? judge
                            : SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(JSON.writeValueAsString(time.parameters()));
                    assertEquals(List.of(), schema.validate(JSON.readTree(call.arguments())), model + " called " + call);
                }
                assertEquals(FinishReason.TOOL_CALLS, ((Event.Done) events.get(events.size() - 2)).reason());
                assertTrue(events.stream().noneMatch(e -> e instanceof Event.Token t && !t.text().isBlank()), "a call is not text: " + events);
            }
        }
    }

    @Test
    void aNamedCallWithoutParallelCallsIsExactlyOne() throws Exception {
        List<Event> events = ask("hermes", new Tools(List.of(weather, time), Tools.Choice.NAMED, "get_time", false), 9);
        List<Event.ToolCall> calls = calls(events);
        assertEquals(1, calls.size(), events.toString());
        assertEquals("get_time", calls.getFirst().name());
        assertTrue(JSON.readTree(calls.getFirst().arguments()).get("city").isTextual(), calls.toString());
    }

    @Test
    void aModelFreeToAnswerWritesTextAndNoneOffersNothing() throws Exception {
        for (Tools.Choice choice : List.of(Tools.Choice.AUTO, Tools.Choice.NONE)) {
            List<Event> events = ask("hermes", new Tools(List.of(weather), choice, null, true), 4);
            assertEquals(List.of(), calls(events));
            assertNotEquals(FinishReason.TOOL_CALLS, ((Event.Done) events.get(events.size() - 2)).reason());
            assertFalse(EngineTest.texts(events).get(0).isEmpty(), events.toString());
        }
    }

    @Test
    void aToolResultGoesBackAndAModelWithoutACallFormatIsRefused() throws Exception {
        ChatRequest followUp = new ChatRequest("hermes", List.of(ChatRequest.Message.of("user", "What's the weather in Paris?"),
                new ChatRequest.Message("assistant", List.of(), List.of(new ChatRequest.ToolCall("call_1", "get_weather", "{\"location\":\"Paris\",\"unit\":\"celsius\"}")), null),
                new ChatRequest.Message("tool", List.of(new ChatRequest.Text("18 degrees, sunny")), List.of(), "call_1")),
                null, GenerationOptions.of(8, Sampling.greedy())).withTools(new Tools(List.of(weather), Tools.Choice.AUTO, null, true));
        assertInstanceOf(Event.Usage.class, EngineTest.drain(engine.chat(followUp)).getLast());
        CapabilityException refused = assertThrows(CapabilityException.class,
                () -> ask("plain", new Tools(List.of(weather), Tools.Choice.AUTO, null, true), 1));
        assertEquals(CapabilityException.Capability.TOOL_CALLS, refused.missing());
    }

    @Test
    void answersParseAsCallsOnlyWhenTheyAreWhollyCalls() {
        assertEquals(List.of(new ToolCallFormat.Call("a", "{\"x\":1}"), new ToolCallFormat.Call("b", "{}")),
                ToolCallFormat.HERMES.parse(" <tool_call>\n{\"name\": \"a\", \"arguments\": {\"x\": 1}}\n</tool_call>\n<tool_call>{\"name\":\"b\",\"arguments\":{}}</tool_call>\n"));
        assertNull(ToolCallFormat.HERMES.parse("<tool_call>{\"name\": \"a\", \"arguments\": {}}</tool_call> and some words"));
        assertNull(ToolCallFormat.HERMES.parse("<tool_call>{\"name\": \"a\"}</tool_call>"), "no arguments");
        assertEquals(List.of(new ToolCallFormat.Call("f", "{\"q\":\"x\"}")), ToolCallFormat.LLAMA3.parse("<|python_tag|>{\"name\": \"f\", \"parameters\": {\"q\": \"x\"}}"));
        assertNull(ToolCallFormat.LLAMA3.parse("{\"answer\": 42}"));
        assertTrue(ToolCallFormat.HERMES.mayBeCalls("<tool_") && ToolCallFormat.HERMES.mayBeCalls("<tool_call>{\"na"));
        assertFalse(ToolCallFormat.HERMES.mayBeCalls("<b>"));
        ToolCallFormat.Offer offer = new ToolCallFormat.Offer(ToolCallFormat.HERMES, java.util.Set.of("a"));
        assertEquals(1, offer.parse("<tool_call>{\"name\": \"a\", \"arguments\": {}}</tool_call>").size());
        assertNull(offer.parse("<tool_call>{\"name\": \"rm_rf\", \"arguments\": {}}</tool_call>"), "a function it was not offered is text");
        assertEquals(ToolCallFormat.HERMES, ToolCallFormat.of("... <tool_call> ..."));
        assertNull(ToolCallFormat.of("{{ messages }}"));
    }
}
