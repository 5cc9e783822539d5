package dev.muse.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.GgmlType;
import dev.muse.formats.gguf.GgufFile;
import dev.muse.hub.ModelPaths;
import dev.muse.text.Tokenizer;
import dev.muse.text.Vocabulary;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contemplating on a tiny random Qwen3 (its real vocabulary, where {@code <think>} is one token): the sub-agents run in one
 * batch from a prompt computed once, each thinking from its own perspective, and the synthesis answers after them.
 */
class ContemplationTest {
    /** Qwen3's way: thinking unless {@code enable_thinking} is false, which writes an empty thought into the prompt. */
    static final String QWEN3 = ThinkingTest.TURNS + "<|im_start|>assistant\n"
            + "{% if enable_thinking is defined and enable_thinking is false %}<think>\n\n</think>\n\n{% endif %}";

    @TempDir static Path dir;
    static Engine engine;

    @BeforeAll
    static void start() throws Exception {
        TinyModel tiny = new TinyModel(TinyFamily.QWEN3, GgmlType.Q8_0, 77);
        Path qwen3 = tiny.write(dir.resolve("qwen3.gguf"), m -> {
            m.putString("tokenizer.chat_template", QWEN3);
            m.putUInt32("qwen3.context_length", 1024); // room for the conclusions (RoPE has no limit)
        });
        Path plain = tiny.write(dir.resolve("plain.gguf"), m -> {
            m.putString("tokenizer.chat_template", ThinkingTest.NO_THOUGHT);
            m.putUInt32("qwen3.context_length", 1024);
        });
        engine = new Engine(new Engine.Config(List.of(new ModelPaths("qwen3", qwen3, null), new ModelPaths("plain", plain, null)),
                null, 1L << 30, new Scheduler.Options(4, 1024, 1024)));
    }

    @AfterAll
    static void stop() { engine.close(); }

    /** A question behind a long system prompt, so that computing the prompt more than once would show in the counts. */
    static ChatRequest contemplate(String model, int maxTokens) {
        String system = "You are a careful assistant. ".repeat(40);
        return new ChatRequest(model, List.of(ChatRequest.Message.of("system", system), ChatRequest.Message.of("user", "What is 12 times 3?")),
                Mode.CONTEMPLATING, GenerationOptions.of(maxTokens, Sampling.greedy()));
    }

    static Scheduler.Stats stats(String model) {
        return engine.model(model).orElseThrow().resident().orElseThrow().scheduler();
    }

    @Test
    void subAgentsThinkInOneBatchFromAPromptComputedOnceThenOneAnswerFollows() throws Exception {
        engine.load("qwen3");
        Scheduler.Stats before = stats("qwen3");
        int agentTokens = 48;
        Generation g = engine.chat(contemplate("qwen3", agentTokens).withThoughtBudget(8));
        List<Event> events = EngineTest.drain(g);
        Scheduler.Stats after = stats("qwen3");

        Event.Contemplating first = (Event.Contemplating) events.getFirst();
        assertEquals(Contemplation.PERSPECTIVES, first.perspectives());
        Map<Integer, String> thoughts = new TreeMap<>(), conclusions = new TreeMap<>();
        List<Event.AgentDone> agentsDone = new ArrayList<>();
        int firstAnswer = -1;
        for (int i = 0; i < events.size(); i++) {
            switch (events.get(i)) {
                case Event.AgentText t -> {
                    assertEquals(-1, firstAnswer, "sub-agents are done before the answer starts");
                    (t.thought() ? thoughts : conclusions).merge(t.agent(), t.text(), String::concat);
                }
                case Event.AgentDone d -> agentsDone.add(d);
                case Event.Token t -> {
                    if (firstAnswer < 0) firstAnswer = i;
                    assertEquals(0, t.choice());
                }
                default -> { }
            }
        }
        assertEquals(4, agentsDone.size());
        for (Event.AgentDone d : agentsDone) assertEquals(agentTokens, d.completionTokens());
        assertEquals(4, thoughts.size(), "every sub-agent thinks (its opening opened the thought): " + thoughts);
        for (String t : thoughts.values())
            assertTrue(t.endsWith("I have to give the solution based on the thinking directly now."), "the thought budget closes each: " + t);
        assertEquals(4, conclusions.size(), "each concludes after its thought: " + conclusions);
        assertTrue(firstAnswer > 0, "an answer follows");
        assertTrue(events.stream().noneMatch(e -> e instanceof Event.Reasoning), "the synthesis answers without a thought of its own");

        Event.Done answer = (Event.Done) events.get(events.size() - 2);
        Event.Usage usage = (Event.Usage) events.getLast();
        assertEquals(4 * agentTokens + answer.completionTokens(), usage.completionTokens());
        assertEquals(agentTokens - 8, answer.completionTokens(), "the answer has what max tokens leaves after the thought budget");
        // One batch: the sub-agents' tokens took about as many steps as one of them (not four times as many).
        long steps = after.steps() - before.steps();
        assertTrue(steps <= agentTokens + 4 + answer.completionTokens() + 2, "steps: " + steps);
        // One prompt: computed once, then each agent's opening and the synthesis's new part.
        long computed = after.promptTokens() - before.promptTokens();
        int shared = g.promptTokens() - 4 * 20; // openings are under 20 tokens each
        long expected = g.promptTokens() + (answer.promptTokens() - answer.cachedPromptTokens());
        assertTrue(computed <= expected, "computed " + computed + " prompt tokens, expected at most " + expected);
        assertTrue(answer.cachedPromptTokens() > shared / 2, "the synthesis reuses the conversation's keys and values: " + answer);
    }

    @Test
    void aModelThatDoesNotThinkDraftsAndTheSynthesisReadsTheDrafts() throws Exception {
        List<Event> events = EngineTest.drain(engine.chat(contemplate("plain", 8).withAgents(2)));
        assertEquals(2, ((Event.Contemplating) events.getFirst()).perspectives().size());
        assertTrue(events.stream().noneMatch(e -> e instanceof Event.AgentText t && t.thought()));
        assertEquals(2, events.stream().filter(e -> e instanceof Event.AgentText).map(e -> ((Event.AgentText) e).agent()).distinct().count());
        assertTrue(events.stream().anyMatch(e -> e instanceof Event.Token), events.toString());
        assertInstanceOf(Event.Usage.class, events.getLast());
    }

    @Test
    void cancellingStopsEverySubAgentAndNoAnswerIsWritten() throws Exception {
        List<Event> events = new ArrayList<>();
        try (Generation g = engine.chat(contemplate("plain", 400))) {
            Event e;
            do {
                events.add(e = g.next());
                if (e instanceof Event.AgentText) g.cancel();
            } while (!e.last());
        }
        assertTrue(events.stream().filter(e -> e instanceof Event.AgentDone).allMatch(e -> ((Event.AgentDone) e).reason() == FinishReason.CANCELLED));
        assertTrue(events.stream().noneMatch(e -> e instanceof Event.Token), "no synthesis after a cancel");
        assertEquals(FinishReason.CANCELLED, ((Event.Done) events.get(events.size() - 2)).reason());
        assertInstanceOf(Event.Usage.class, events.getLast());
    }

    @Test
    void contemplatingWritesOneAnswer() {
        ChatRequest two = contemplate("plain", 8);
        ChatRequest asked = new ChatRequest("plain", two.messages(), Mode.CONTEMPLATING,
                new GenerationOptions(8, Sampling.greedy(), List.of(), 2, -1));
        assertThrows(IllegalArgumentException.class, () -> engine.chat(asked));
        assertThrows(IllegalArgumentException.class, () -> two.withAgents(0));
        assertThrows(IllegalArgumentException.class, () -> two.withAgents(ChatRequest.MAX_AGENTS + 1));
    }

    @Test
    void theSynthesisReadsEachConclusionAfterTheLastUserMessage() throws Exception {
        Tokenizer tokenizer;
        try (GgufFile file = GgufFile.open(dir.resolve("plain.gguf"))) {
            tokenizer = Tokenizer.of(Vocabulary.fromMetadata(file.metadata()));
        }
        List<Contemplation.Conclusion> conclusions = List.of(
                new Contemplation.Conclusion("a", "thinking...", "It is 36.", FinishReason.STOP),
                new Contemplation.Conclusion("b", "the river rises. ".repeat(100) + "So 36", "", FinishReason.LENGTH),
                new Contemplation.Conclusion("c", "", "First. " + "the sea falls. ".repeat(100) + "END", FinishReason.STOP));
        List<ChatRequest.Message> messages = Contemplation.synthesisMessages(
                List.of(ChatRequest.Message.of("system", "Be brief."), ChatRequest.Message.of("user", "What is 12 times 3?")), conclusions, tokenizer, 40);
        assertEquals(2, messages.size(), "the conclusions go into the user's message");
        String text = messages.getLast().content().stream().map(p -> ((ChatRequest.Text) p).text()).reduce("", String::concat);
        assertTrue(text.startsWith("What is 12 times 3?\n\n---\nBefore answering, 3 independent lines of thought"), text);
        assertTrue(text.contains("[1] It is 36.\n"), text);
        assertTrue(text.contains("[2] ... ") && text.contains("So 36\n"), "a thought cut off keeps its end: " + text);
        assertTrue(text.contains("[3] First.") && text.contains(" [...] ") && text.contains("END\n"), "a long conclusion keeps its start and end");
        String[] cut = text.split("\\[\\d] ");
        for (int i = 2; i <= 3; i++) {
            int tokens = tokenizer.encodeText(cut[i].substring(0, cut[i].indexOf('\n')), false).length;
            assertTrue(tokens <= 40 + 8, "each is cut to its share of tokens: " + tokens);
        }

        List<ChatRequest.Message> afterTool = Contemplation.synthesisMessages(List.of(ChatRequest.Message.of("user", "q"),
                ChatRequest.Message.of("tool", "42")), conclusions.subList(0, 1), tokenizer, 40);
        assertEquals("user", afterTool.getLast().role(), "after a tool's result the conclusions are a user message of their own");
        assertEquals(3, afterTool.size());
    }
}
