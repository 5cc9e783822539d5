package dev.muse.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.muse.engine.GgmlType;
import dev.muse.hub.ModelPaths;
import dev.muse.testkit.TinyFamily;
import dev.muse.testkit.TinyModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade's contract: what a request gets back, in which order, and what it is refused before anything runs. */
class EngineTest {
    static final String TEMPLATE = "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}\n{% endfor %}<|assistant|>";

    @TempDir static Path dir;
    static Engine engine;

    @BeforeAll
    static void start() throws Exception {
        Path chat = new TinyModel(TinyFamily.LLAMA2, GgmlType.F32, 5).write(dir.resolve("chat.gguf"),
                m -> m.putString("tokenizer.chat_template", TEMPLATE));
        engine = new Engine(new Engine.Config(List.of(new ModelPaths("chat", chat, null)), null, 1L << 30, new Scheduler.Options(4, 96, 16)));
    }

    @AfterAll
    static void stop() { engine.close(); }

    /** Every event of a generation, until its last. */
    static List<Event> drain(Generation g) throws InterruptedException {
        List<Event> events = new ArrayList<>();
        Event e;
        do events.add(e = g.next()); while (!e.last());
        return events;
    }

    static Map<Integer, String> texts(List<Event> events) {
        Map<Integer, String> out = new TreeMap<>();
        for (Event e : events) if (e instanceof Event.Token t) out.merge(t.choice(), t.text(), String::concat);
        return out;
    }

    @Test
    void eachChoiceStreamsTextThenDoneAndUsageComesLast() throws Exception {
        GenerationOptions options = new GenerationOptions(8, Sampling.defaults(3), List.of(), 3, 2);
        List<Event> events = drain(engine.complete(CompletionRequest.ofText("chat", "Once upon a time", options)));
        Event.Usage usage = (Event.Usage) events.getLast();
        int[] tokensOfChoice = new int[3];
        boolean[] done = new boolean[3];
        for (Event e : events.subList(0, events.size() - 1)) {
            switch (e) {
                case Event.Token t -> {
                    assertFalse(done[t.choice()], "no text after a choice is done");
                    tokensOfChoice[t.choice()] += t.logprobs().size();
                    for (Event.TokenLogprob lp : t.logprobs()) assertEquals(2, lp.top().size());
                }
                case Event.Done d -> {
                    done[d.choice()] = true;
                    assertEquals(FinishReason.LENGTH, d.reason());
                    assertEquals(8, d.completionTokens());
                    assertEquals(8, tokensOfChoice[d.choice()], "one logprob per generated token");
                }
                default -> fail("unexpected " + e);
            }
        }
        assertArrayEquals(new boolean[] {true, true, true}, done);
        assertEquals(24, usage.completionTokens());
        assertEquals(3, texts(events).values().stream().distinct().count(), "each choice samples with its own seed");
    }

    @Test
    void aStopStringCutsTheTextAndFinishesAsStop() throws Exception {
        GenerationOptions greedy = GenerationOptions.of(12, Sampling.greedy());
        String whole = texts(drain(engine.complete(CompletionRequest.ofText("chat", "Hello", greedy)))).get(0);
        String stop = whole.substring(whole.length() / 2, whole.length() / 2 + 2);
        List<Event> events = drain(engine.complete(CompletionRequest.ofText("chat", "Hello",
                new GenerationOptions(12, Sampling.greedy(), List.of(stop), 1, -1))));
        assertEquals(whole.substring(0, whole.indexOf(stop)), texts(events).get(0));
        assertEquals(FinishReason.STOP, ((Event.Done) events.get(events.size() - 2)).reason());
    }

    @Test
    void refusalsComeBeforeAnythingRuns() {
        GenerationOptions options = GenerationOptions.of(200, Sampling.greedy());
        assertThrows(UnknownModelException.class, () -> engine.complete(CompletionRequest.ofText("nope", "x", options)));
        ContextLengthException tooLong = assertThrows(ContextLengthException.class,
                () -> engine.complete(CompletionRequest.ofText("chat", "x", options)));
        assertTrue(tooLong.getMessage().contains("maximum context length is 96 tokens"), tooLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> engine.complete(CompletionRequest.ofTokens("chat", new int[] {1, 1 << 20}, options)));
        String huge = "Once upon a time ".repeat(1 << 16); // 1 MiB: refused for its bytes, before it is tokenized
        ContextLengthException bytes = assertThrows(ContextLengthException.class,
                () -> engine.chat(new ChatRequest("chat", List.of(ChatRequest.Message.of("user", huge)), null, GenerationOptions.of(4, Sampling.greedy()))));
        assertTrue(bytes.getMessage().startsWith("The prompt is 1114112 bytes long"), bytes.getMessage());
        assertThrows(ContextLengthException.class, () -> engine.complete(CompletionRequest.ofText("chat", huge, GenerationOptions.of(4, Sampling.greedy()))));
        AtomicBoolean read = new AtomicBoolean();
        ChatRequest withImage = new ChatRequest("chat", List.of(ChatRequest.Message.of("system", "Be brief."), new ChatRequest.Message("user",
                List.of(new ChatRequest.Image(() -> { read.set(true); return new byte[0]; }), new ChatRequest.Text("What is this?")))),
                null, GenerationOptions.of(4, Sampling.greedy()));
        CapabilityException e = assertThrows(CapabilityException.class, () -> engine.chat(withImage));
        assertEquals(CapabilityException.Capability.IMAGE_INPUT, e.missing());
        assertEquals(1, e.message(), "the message that holds the image");
        assertFalse(read.get(), "a text-only model never reads the image");
        assertEquals(CapabilityException.Capability.EMBEDDINGS,
                assertThrows(CapabilityException.class, () -> engine.embed(new EmbeddingRequest("chat", List.of(EmbeddingRequest.Input.of("x"))))).missing());
    }

    @Test
    void closingAGenerationCancelsItAndFreesItsSlot() throws Exception {
        Generation g = engine.complete(CompletionRequest.ofText("chat", "Once", GenerationOptions.of(80, Sampling.greedy())));
        assertInstanceOf(Event.Token.class, g.next());
        g.close();
        Event e;
        do e = g.next(); while (!(e instanceof Event.Done));
        assertEquals(FinishReason.CANCELLED, ((Event.Done) e).reason());
        ModelInfo.Resident resident = engine.model("chat").orElseThrow().resident().orElseThrow();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (resident.scheduler().running() > 0 && System.nanoTime() < deadline)
            resident = engine.model("chat").orElseThrow().resident().orElseThrow();
        assertEquals(0, resident.scheduler().running());
    }

    @Test
    void aModelUnloadedMidStreamEndsItsStreamWithAnError() throws Exception {
        Generation g = engine.complete(CompletionRequest.ofText("chat", "Once", GenerationOptions.of(80, Sampling.greedy())));
        assertInstanceOf(Event.Token.class, g.next());
        assertTrue(engine.unload("chat"));
        Event e;
        do e = g.next(); while (!e.last());
        assertInstanceOf(Event.Error.class, e);
        assertTrue(((Event.Error) e).error().getMessage().contains("unloaded"));
    }

    @Test
    void theChatTemplateAndModeShapeThePrompt() throws Exception {
        ChatRequest request = new ChatRequest("chat", List.of(ChatRequest.Message.of("user", "Hi")), Mode.INSTANT,
                GenerationOptions.of(2, Sampling.greedy()));
        try (Generation g = engine.chat(request)) {
            int expected = engine.complete(CompletionRequest.ofText("chat", "<|user|>Hi\n<|assistant|>", GenerationOptions.of(1, Sampling.greedy())))
                    .promptTokens();
            assertEquals(expected, g.promptTokens(), "the rendered template, tokenized with BOS");
            assertInstanceOf(Event.Usage.class, drain(g).getLast());
        }
    }

    @Test
    void aConversationTooLongToFitLeavesOutItsOldestTurnsWhenAsked() throws Exception {
        List<ChatRequest.Message> messages = new ArrayList<>();
        messages.add(ChatRequest.Message.of("system", "Be kind."));
        for (int turn = 0; turn < 12; turn++) {
            messages.add(ChatRequest.Message.of("user", "Tell me the story number " + turn + " about the little dog."));
            messages.add(ChatRequest.Message.of("assistant", "Once upon a time there was a dog number " + turn + "."));
        }
        messages.add(ChatRequest.Message.of("user", "And then?"));
        GenerationOptions open = new GenerationOptions(null, Sampling.greedy(), List.of(), 1, -1);
        ChatRequest request = new ChatRequest("chat", messages, null, open);
        assertThrows(ContextLengthException.class, () -> engine.chat(request), "the raw API refuses what does not fit");
        try (Generation g = engine.chat(request.fittingContext())) {
            int leftOut = g.leftOutMessages();
            assertTrue(leftOut > 0 && leftOut < messages.size() - 2, "left out " + leftOut);
            assertEquals(0, leftOut % 2, "whole turns: the history does not start with an answer");
            assertTrue(g.promptTokens() <= 96 - 96 / 4, "room for the answer: " + g.promptTokens());
            Event.Done done = (Event.Done) drain(g).stream().filter(e -> e instanceof Event.Done).findFirst().orElseThrow();
            assertTrue(done.completionTokens() <= 96 / 4, "without max tokens an answer takes at most a quarter of the context");
        }
        try (Generation g = engine.chat(new ChatRequest("chat", messages.subList(0, 3), null, open).fittingContext())) {
            assertEquals(0, g.leftOutMessages(), "what fits is kept whole");
        }
    }
}
