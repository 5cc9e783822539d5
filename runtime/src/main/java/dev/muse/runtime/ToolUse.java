package dev.muse.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A chat that may use Muse's own tools ({@link OwnTools}), answered in rounds. Each round is an ordinary answer offered the
 * client's functions and Muse's tools. A round that ends in calls of Muse's tools only is not the answer: the engine runs
 * each call ({@link Event.ToolStep}), adds the calls and their results to the conversation, and answers again. A round
 * that calls any of the client's functions ends the answer as a function call always does (the client runs them), and so
 * does text. After {@value #MAX_ROUNDS} rounds of tools the model answers with none offered. The caller sees one answer:
 * its thought and text as they come, the steps between, one {@link Event.Done} and a {@link Event.Usage} of every round.
 */
final class ToolUse extends Generation {
    /** Rounds of Muse's tools before the model must answer in text. */
    static final int MAX_ROUNDS = 4;

    private final ChatRequest request; // the client's own functions and choice, or none
    private final List<Tools.Function> own;
    private final Set<String> ownNames;
    private final OwnTools tools;
    private final Function<ChatRequest, Generation> answer;
    private final List<ChatRequest.Message> messages;
    private final Deque<Event> ready = new ArrayDeque<>();
    private final List<Event.ToolCall> calls = new ArrayList<>();
    private volatile Generation round;
    private volatile boolean cancelled;
    private int rounds, promptTokens, completionTokens, cachedPromptTokens;
    private boolean runTools, ended;

    /** Starts the first round; {@code answer} starts each (with the functions it offers), {@code tools} runs the calls. */
    ToolUse(ChatRequest request, List<Tools.Function> own, OwnTools tools, Function<ChatRequest, Generation> answer) {
        this.request = request;
        this.own = List.copyOf(own);
        this.ownNames = Set.copyOf(own.stream().map(Tools.Function::name).toList());
        this.tools = tools;
        this.answer = answer;
        this.messages = new ArrayList<>(request.messages());
        Tools first = offered(request.tools() != null ? request.tools().choice() : Tools.Choice.AUTO,
                request.tools() != null ? request.tools().named() : null);
        this.round = answer.apply(request.withRound(messages, first));
    }

    /** The client's functions and Muse's tools, with {@code choice}. */
    private Tools offered(Tools.Choice choice, String named) {
        List<Tools.Function> all = new ArrayList<>(request.tools() != null ? request.tools().functions() : List.of());
        for (Tools.Function f : own)
            if (all.stream().noneMatch(g -> g.name().equals(f.name()))) all.add(f); // a client's function of the same name wins
        return new Tools(all, choice, named, request.tools() == null || request.tools().parallel());
    }

    @Override public Event next() throws InterruptedException {
        if (ended && ready.isEmpty()) throw new IllegalStateException("the generation has ended");
        while (ready.isEmpty()) take(round.next());
        Event e = ready.poll();
        if (e.last()) ended = true;
        return e;
    }

    /** Takes in one event of the current round: passed on, held (calls until the round's end tells whose), or counted. */
    private void take(Event e) throws InterruptedException {
        switch (e) {
            case Event.ToolCall call -> calls.add(call);
            case Event.Done done -> {
                runTools = done.reason() == FinishReason.TOOL_CALLS && calls.stream().allMatch(c -> ownNames.contains(c.name())) && !cancelled;
                if (!runTools) {
                    ready.addAll(calls);
                    ready.add(done);
                }
            }
            case Event.Usage usage -> {
                promptTokens += usage.promptTokens();
                completionTokens += usage.completionTokens();
                cachedPromptTokens += usage.cachedPromptTokens();
                if (runTools) nextRound();
                else ready.add(new Event.Usage(promptTokens, completionTokens, cachedPromptTokens));
            }
            default -> ready.add(e);
        }
    }

    /** Runs the round's calls, reports each, and starts the next round from the conversation with them and their results. */
    private void nextRound() throws InterruptedException {
        List<ChatRequest.ToolCall> made = new ArrayList<>();
        List<ChatRequest.Message> results = new ArrayList<>();
        for (Event.ToolCall call : calls) {
            OwnTools.Result result = tools.run(call.name(), call.arguments(), request.screen(), () -> cancelled);
            ready.add(new Event.ToolStep(call.id(), call.name(), call.arguments(), result.text(), result.outputs()));
            made.add(new ChatRequest.ToolCall(call.id(), call.name(), call.arguments()));
            results.add(new ChatRequest.Message("tool", List.of(new ChatRequest.Text(result.text())), List.of(), call.id()));
        }
        calls.clear();
        messages.add(new ChatRequest.Message("assistant", List.of(), made, null));
        messages.addAll(results);
        rounds++;
        try {
            round = answer.apply(request.withRound(messages, offered(rounds < MAX_ROUNDS ? Tools.Choice.AUTO : Tools.Choice.NONE, null)));
        } catch (RuntimeException e) { // the results leave no room in the context, say
            ready.add(new Event.Error(e));
            return;
        }
        if (cancelled) round.cancel();
    }

    @Override public void cancel() {
        cancelled = true;
        round.cancel();
    }

    @Override public int promptTokens() { return round.promptTokens(); }

    @Override public int leftOutMessages() { return round.leftOutMessages(); }
}
