package dev.muse.runtime;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.muse.engine.GgmlType;
import dev.muse.hub.ModelPaths;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import dev.muse.text.grammar.GrammarState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Constrained decoding against an independent judge: random JSON schemas, answered by random-weight models (which are
 * adversarial: left alone they never write JSON), must give text that a standard validator (networknt's, draft
 * 2020-12) accepts, whenever the answer ends by itself; an answer cut by its length must still be the start of a valid
 * one. Two vocabularies: SentencePiece with byte pieces (Llama 2) and byte-level BPE (Qwen), where characters split
 * across tokens.
 */
class StructuredOutputTest {
    static final String TEMPLATE = "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}\n{% endfor %}<|assistant|>";
    static final ObjectMapper JSON = new ObjectMapper();
    static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    @TempDir static Path dir;
    static Engine engine;

    @BeforeAll
    static void start() throws Exception {
        Path spm = new TinyModel(TinyFamily.LLAMA2, GgmlType.Q8_0, 11).write(dir.resolve("spm.gguf"), m -> m.putString("tokenizer.chat_template", TEMPLATE));
        Path bpe = new TinyModel(TinyFamily.QWEN2, GgmlType.Q8_0, 12).write(dir.resolve("bpe.gguf"), m -> m.putString("tokenizer.chat_template", TEMPLATE));
        engine = new Engine(new Engine.Config(List.of(new ModelPaths("spm", spm, null), new ModelPaths("bpe", bpe, null)), null, 1L << 30,
                new Scheduler.Options(4, 512, 64)));
    }

    @AfterAll
    static void stop() { engine.close(); }

    record Answer(String text, FinishReason reason) {}

    static Answer answer(String model, OutputGrammar grammar, long seed, int maxTokens) throws Exception {
        GenerationOptions options = GenerationOptions.of(maxTokens, Sampling.defaults(seed)).withGrammar(grammar);
        StringBuilder text = new StringBuilder();
        FinishReason reason = null;
        try (Generation g = engine.chat(new ChatRequest(model, List.of(ChatRequest.Message.of("user", "Describe a cat as JSON.")), null, options))) {
            for (Event e : EngineTest.drain(g)) {
                if (e instanceof Event.Error error) throw error.error();
                if (e instanceof Event.Token t) text.append(t.text());
                if (e instanceof Event.Done d) reason = d.reason();
                assertFalse(e instanceof Event.Reasoning, "a grammar's text is never split into thought");
            }
        }
        return new Answer(text.toString(), reason);
    }

    @Test
    void answersToRandomSchemasValidateWheneverTheyEnd() throws Exception {
        SplittableRandom random = new SplittableRandom(2026);
        int ended = 0, runs = 0;
        for (int round = 0; round < 12; round++) {
            Map<String, Object> schema = randomObject(random, 0);
            String text = JSON.writeValueAsString(schema);
            OutputGrammar grammar = OutputGrammar.jsonSchema(JSON.readValue(text, Object.class));
            Schema judge = SCHEMAS.getSchema(text);
            String model = round % 2 == 0 ? "spm" : "bpe";
            Answer a = answer(model, grammar, round, 160);
            System.out.println(model + " " + a.reason() + ": " + a.text() + "\n  for " + text); // kept in the test's report
            runs++;
            if (a.reason() == FinishReason.STOP) {
                ended++;
                JsonNode parsed = JSON.readTree(a.text());
                assertEquals(List.of(), judge.validate(parsed), model + " answered " + a.text() + "\nfor " + text);
            } else {
                assertFalse(GrammarState.start(grammar.grammar).accept(a.text()).isDead(), "cut by its length, still the start of a valid answer: " + a.text());
            }
        }
        assertTrue(ended >= runs / 2, ended + " of " + runs + " answers ended by themselves");
    }

    @Test
    void anyJsonObjectAndAHandWrittenGrammar() throws Exception {
        Answer object = answer("bpe", OutputGrammar.jsonObject(), 5, 120);
        if (object.reason() == FinishReason.STOP) assertTrue(JSON.readTree(object.text()).isObject(), object.text());
        else assertTrue(object.text().startsWith("{"), object.text());
        Answer sum = answer("spm", OutputGrammar.gbnf("root ::= [1-9] [0-9]{0,2} \" + \" [1-9] [0-9]{0,2} \" = ?\""), 7, 40);
        assertEquals(FinishReason.STOP, sum.reason(), sum.text());
        assertTrue(sum.text().matches("[1-9][0-9]{0,2} \\+ [1-9][0-9]{0,2} = \\?"), sum.text());
    }

    /**
     * A grammar that runs wild mid-answer (every "x" doubles the ways to go on: 2^13 > GrammarState.MAX_STACKS) fails its
     * own answer with the reason, on the scheduler's thread, while another answer in the same batch runs on.
     */
    @Test
    void aGrammarThatRunsWildFailsOnlyItsOwnAnswer() throws Exception {
        StringBuilder wild = new StringBuilder("root ::= a0\n");
        for (int i = 0; i < 13; i++) wild.append("a").append(i).append(" ::= \"x\" a").append(i + 1).append(" \"y\" | \"x\" a").append(i + 1).append(" \"z\"\n");
        wild.append("a13 ::= \"w\"\n");
        ChatRequest plain = new ChatRequest("spm", List.of(ChatRequest.Message.of("user", "Hello")), null, GenerationOptions.of(24, Sampling.greedy()));
        try (Generation bad = engine.chat(new ChatRequest("spm", List.of(ChatRequest.Message.of("user", "x")), null,
                GenerationOptions.of(40, Sampling.greedy()).withGrammar(OutputGrammar.gbnf(wild.toString()))));
             Generation good = engine.chat(plain)) {
            List<Event> badEvents = EngineTest.drain(bad), goodEvents = EngineTest.drain(good);
            Event.Error error = assertInstanceOf(Event.Error.class, badEvents.getLast());
            assertTrue(error.error().getMessage().contains("too ambiguous"), error.error().getMessage());
            assertInstanceOf(Event.Usage.class, goodEvents.getLast(), "the other answer ran to its end");
        }
    }

    /** An object schema with 1-4 properties of random kinds, some required, nested at most twice. */
    static Map<String, Object> randomObject(SplittableRandom random, int depth) {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            String name = "p" + i + (random.nextBoolean() ? "_é" : "");
            properties.put(name, randomValue(random, depth));
            if (random.nextInt(3) > 0) required.add(name);
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("required", required);
        schema.put("additionalProperties", false);
        return schema;
    }

    static Object randomValue(SplittableRandom random, int depth) {
        Map<String, Object> s = new LinkedHashMap<>();
        switch (random.nextInt(depth < 2 ? 9 : 7)) {
            case 0 -> {
                s.put("type", "integer");
                if (random.nextBoolean()) s.put("minimum", random.nextInt(-150, 100));
                if (random.nextBoolean()) s.put("exclusiveMaximum", 100 + random.nextInt(2000));
            }
            case 1 -> s.put("type", "boolean");
            case 2 -> s.put("enum", List.of("red", "green", 7, true, "\"quoted\""));
            case 3 -> { s.put("type", "string"); s.put("maxLength", 1 + random.nextInt(5)); }
            case 4 -> { s.put("type", List.of("number", "null")); }
            case 5 -> { s.put("type", "string"); s.put("format", random.nextBoolean() ? "date" : "uuid"); }
            case 6 -> s.put("const", "fixed");
            case 7 -> { s.put("type", "array"); s.put("items", Map.of("type", "integer")); s.put("minItems", random.nextInt(2)); s.put("maxItems", 3); }
            default -> { return randomObject(random, depth + 1); }
        }
        return s;
    }
}
