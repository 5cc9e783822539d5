package dev.muse.runtime;

import dev.muse.provenance.watermark.TextWatermark;
import dev.muse.runtime.Event.TokenLogprob;
import dev.muse.runtime.Sequence.Finished;
import dev.muse.runtime.Sequence.Logprob;
import dev.muse.text.Sampler;
import dev.muse.text.TokenDecoder;
import dev.muse.text.Tokenizer;
import dev.muse.text.grammar.TokenConstraint;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The answers to one prompt, running on the model's {@link Scheduler}: one {@link Sequence} per choice, all in the same
 * batch (the prompt's keys and values computed once and lent to every choice). Each choice may start with tokens of its
 * own written after the prompt (a sub-agent's opening). Tokens become text here, on the caller's thread: whole UTF-8
 * characters only, cut at the first stop string.
 */
final class Choices extends Generation {
    /** Tokens of one choice, as the scheduler's thread hands them over. */
    private record Signal(int choice, Sequence.TokenEvent event) {}

    /**
     * One choice's text so far: its decoder, its stop strings, its thought's separation from the answer (a reasoning
     * model's), and the tokens not yet shown as text.
     */
    private static final class Choice {
        Sequence sequence;
        final TokenDecoder decoder;
        final StopStrings stops;
        final Thoughts thoughts; // null: the model does not think aloud
        final List<Sequence.Token> pending = new ArrayList<>();
        /** The answer held back while it may still be function calls (null once it is known to be text). */
        StringBuilder held;
        long firstTokenNanos = -1;
        int completionTokens;
        boolean done;

        Choice(TokenDecoder decoder, StopStrings stops, Thoughts thoughts, boolean mayCall) {
            this.decoder = decoder;
            this.stops = stops;
            this.thoughts = thoughts;
            this.held = mayCall ? new StringBuilder() : null;
        }
    }

    private final Tokenizer tokenizer;
    private final ToolCallFormat.Offer calls; // null: no functions to call
    private final long start = System.nanoTime();
    private final int promptTokens;
    private final int leftOutMessages;
    private final List<Choice> choices = new ArrayList<>();
    private final BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
    private final Deque<Event> ready = new ArrayDeque<>();
    private boolean ended;
    private int done, completionTokens, cachedPromptTokens;

    /**
     * Tokens choice i writes after the prompt before it samples (a sub-agent's opening), and whether they open a thought
     * (a reasoning model's {@code <think>} and the start of its thinking).
     */
    record Openings(List<int[]> tokens, boolean openThought) {
        Openings { tokens = List.copyOf(tokens); }

        static Openings none(int choices) {
            return new Openings(java.util.Collections.nCopies(choices, new int[0]), false);
        }

        int total() { return tokens.stream().mapToInt(t -> t.length).sum(); }
    }

    /**
     * Submits every choice. With {@code startOfText} (a prompt of BOS alone) the answer is the start of a text, so
     * a SentencePiece vocabulary's space prefix is dropped from its first piece. A reasoning model's ({@code tags} not
     * null) thought is reported apart from its answer, and closed after {@code thoughtBudget} tokens (null: when the
     * model closes it). With {@code calls}, an answer that is function calls in that format is reported as
     * {@link Event.ToolCall}s, not text. With {@code watermark}, every choice is written with that text watermark.
     */
    Choices(Scheduler scheduler, Prompt prompt, Openings openings, Tokenizer tokenizer, GenerationOptions options, int maxTokens,
            boolean startOfText, int leftOutMessages, ThoughtTags tags, Integer thoughtBudget, ToolCallFormat.Offer calls, TextWatermark watermark) {
        if (openings.tokens().size() != options.choices()) throw new IllegalArgumentException("one opening per choice");
        this.tokenizer = tokenizer;
        this.calls = calls;
        this.promptTokens = prompt.length() + openings.total();
        this.leftOutMessages = leftOutMessages;
        Sampling s = options.sampling();
        boolean startsInThought = tags != null && (openings.openThought() || tags.opensIn(prompt, tokenizer));
        Sequence.ThoughtBudget budget = thoughtBudget == null || tags == null || !tags.budgetable() ? null
                : new Sequence.ThoughtBudget(thoughtBudget, tags.open(), tags.close(), tags.closing(), startsInThought);
        try {
            for (int i = 0; i < options.choices(); i++) {
                int index = i;
                // Each choice samples with its own seed: n identical choices would be pointless.
                Sampler.Settings sampling = new Sampler.Settings(s.temperature(), s.topK(), s.topP(), s.minP(), s.repeatPenalty(),
                        s.presencePenalty(), s.frequencyPenalty(), 64, s.seed() + i);
                Choice choice = new Choice(TokenDecoder.forReplies(tokenizer, startOfText), new StopStrings(options.stop()),
                        tags == null ? null : new Thoughts(startsInThought), calls != null);
                choices.add(choice);
                TokenConstraint constraint = options.grammar() == null ? null : new TokenConstraint(options.grammar().grammar, tokenizer);
                Sequence.Request request = new Sequence.Request(prompt.followedBy(openings.tokens().get(i)), maxTokens, sampling, tokenizer::isEndOfGeneration, options.topLogprobs(),
                        budget, constraint, watermark);
                choice.sequence = scheduler.submit(request, event -> signals.add(new Signal(index, event)));
            }
        } catch (RuntimeException e) {
            cancel();
            throw e;
        }
    }

    /** Tokens of the prompt, counted once, and of every choice's opening. */
    @Override public int promptTokens() { return promptTokens; }

    @Override public int leftOutMessages() { return leftOutMessages; }

    @Override public Event next() throws InterruptedException {
        if (ended && ready.isEmpty()) throw new IllegalStateException("the generation has ended");
        while (ready.isEmpty()) handle(signals.take());
        return ready.poll();
    }

    @Override public void cancel() {
        for (Choice c : choices) if (c.sequence != null) c.sequence.cancel();
    }

    private void handle(Signal signal) {
        Choice c = choices.get(signal.choice());
        if (ended || c.done) return;
        switch (signal.event()) {
            case Sequence.Token t -> {
                if (c.stops.stopped()) return; // the last tokens in flight after a stop string
                if (c.firstTokenNanos < 0) c.firstTokenNanos = System.nanoTime() - start;
                c.completionTokens++;
                c.pending.add(t);
                String text = c.stops.add(c.decoder.next(t.id()));
                if (c.stops.stopped()) c.sequence.cancel();
                if (!text.isEmpty() || c.stops.stopped()) text(signal.choice(), c, text, c.stops.stopped());
            }
            case Finished f -> {
                boolean cut = c.stops.stopped();
                if (!cut) {
                    String rest = c.stops.add(c.decoder.flush());
                    if (!c.stops.stopped()) rest += c.stops.flush();
                    // a thought splitter may still hold text back (a cut-off tag, trailing whitespace): always let it flush
                    if (!rest.isEmpty() || !c.pending.isEmpty() || c.thoughts != null) text(signal.choice(), c, rest, true);
                }
                FinishReason reason = c.stops.stopped() ? FinishReason.STOP : f.reason();
                if (c.held != null && release(signal.choice(), c, reason)) reason = FinishReason.TOOL_CALLS;
                long total = System.nanoTime() - start;
                c.done = true;
                ready.add(new Event.Done(signal.choice(), reason, f.promptTokens(), f.cachedPromptTokens(), c.completionTokens,
                        c.firstTokenNanos < 0 ? total : c.firstTokenNanos, total));
                completionTokens += c.completionTokens;
                cachedPromptTokens += f.cachedPromptTokens();
                if (++done == choices.size()) {
                    ended = true;
                    ready.add(new Event.Usage(promptTokens, completionTokens, Math.min(cachedPromptTokens, promptTokens)));
                }
            }
            case Sequence.Failed f -> {
                ended = true;
                cancel();
                ready.add(new Event.Error(f.error()));
            }
        }
    }

    /** Reports a choice's new text: its thought apart from its answer; with {@code last}, whatever was held back too. */
    private void text(int index, Choice c, String text, boolean last) {
        if (c.thoughts == null) {
            answer(index, c, text);
            return;
        }
        List<Thoughts.Piece> pieces = new ArrayList<>(c.thoughts.add(text));
        if (last) pieces.addAll(c.thoughts.flush());
        boolean answered = false;
        for (Thoughts.Piece piece : pieces) {
            if (piece.thought()) {
                ready.add(new Event.Reasoning(index, piece.text()));
            } else {
                answer(index, c, piece.text());
                answered = true;
            }
        }
        if (!answered && !c.thoughts.answering()) c.pending.clear(); // a thought's tokens have no log-probabilities to report
    }

    /** Reports answer text, holding it back while it may still turn out to be function calls. */
    private void answer(int index, Choice c, String text) {
        if (c.held == null) {
            token(index, c, text);
            return;
        }
        c.held.append(text);
        String start = c.held.toString().stripLeading();
        if (start.isEmpty() || calls.format().mayBeCalls(start)) return;
        String shown = c.held.toString();
        c.held = null; // text after all
        token(index, c, shown);
    }

    /**
     * At the end of a choice whose answer was held back: its function calls, when the whole answer is calls (true),
     * else the text; a choice the length limit cut inside a call is text too.
     */
    private boolean release(int index, Choice c, FinishReason reason) {
        String answer = c.held.toString();
        c.held = null;
        List<ToolCallFormat.Call> made = reason == FinishReason.STOP ? calls.parse(answer) : null;
        if (made == null) {
            if (!answer.isEmpty()) token(index, c, answer);
            return false;
        }
        c.pending.clear();
        for (int i = 0; i < made.size(); i++)
            ready.add(new Event.ToolCall(index, i, "call_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 24),
                    made.get(i).name(), made.get(i).arguments()));
        return true;
    }

    private void token(int index, Choice c, String text) {
        List<TokenLogprob> logprobs = new ArrayList<>();
        for (Sequence.Token t : c.pending) {
            if (t.logprob() == null) break; // not asked for
            logprobs.add(new TokenLogprob(tokenizer.decodeBytes(t.id()), t.logprob().logprob(),
                    Arrays.stream(t.top()).map(this::alternative).toList()));
        }
        c.pending.clear();
        ready.add(new Event.Token(index, text, logprobs));
    }

    private TokenLogprob alternative(Logprob lp) {
        return new TokenLogprob(tokenizer.decodeBytes(lp.token()), lp.logprob(), List.of());
    }
}
