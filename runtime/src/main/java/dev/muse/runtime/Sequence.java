package dev.muse.runtime;

import dev.muse.provenance.watermark.TextWatermark;
import dev.muse.text.Sampler;
import dev.muse.text.grammar.TokenConstraint;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * One generation running in a {@link Scheduler}: its {@link TokenEvent}s go to a sink (a {@link Generation}
 * gathers those of all its choices), or to a queue of its own that the caller reads; the caller may cancel it at
 * any time, and the scheduler drops it at the next token boundary and hands its slot and KV cache to the next
 * request.
 */
final class Sequence {
    /**
     * What to generate.
     *
     * @param prompt      what the model reads first: token ids, and encoded images where the prompt has them
     * @param maxTokens   generated tokens at most
     * @param sampling    sampler settings (each sequence has its own seeded sampler)
     * @param isStop      end-of-generation tokens (not emitted)
     * @param topLogprobs -1 for no log-probabilities, else how many alternatives to report per token (0..20)
     * @param thought     a reasoning model's thought budget; null for none
     * @param constraint  the grammar the text must keep to (this sequence's own, as it holds its state); null for none
     * @param watermark   the text watermark whose green tokens are favoured at each step; null for none
     */
    record Request(Prompt prompt, int maxTokens, Sampler.Settings sampling, IntPredicate isStop, int topLogprobs, ThoughtBudget thought,
                   TokenConstraint constraint, TextWatermark watermark) {
        Request {
            if (maxTokens < 1) throw new IllegalArgumentException("max tokens must be >= 1");
            if (topLogprobs < -1 || topLogprobs > 20) throw new IllegalArgumentException("top logprobs must be in 0..20");
        }

        Request(Prompt prompt, int maxTokens, Sampler.Settings sampling, IntPredicate isStop, int topLogprobs) {
            this(prompt, maxTokens, sampling, isStop, topLogprobs, null, null, null);
        }
    }

    /**
     * At most {@code tokens} tokens of thought: past them the scheduler writes {@code closing} (which ends with the
     * closing tag) into the sequence itself, and the model answers from there.
     *
     * @param open      the opening tag's token, which starts a thought as the first generated token
     * @param close     the closing tag's token, which ends it
     * @param startsOpen the prompt ends inside an open thought
     */
    record ThoughtBudget(int tokens, int open, int close, int[] closing, boolean startsOpen) {
        ThoughtBudget {
            if (tokens < 1) throw new IllegalArgumentException("a thought budget is at least one token");
        }
    }

    /** A log-probability of one token. */
    record Logprob(int token, float logprob) {}

    /** What a sequence reports, in order: tokens, then exactly one {@link Finished} or {@link Failed}. */
    sealed interface TokenEvent permits Token, Finished, Failed {}

    /** A generated token; {@code logprob} and {@code top} are present when the request asked for them. */
    record Token(int id, Logprob logprob, Logprob[] top) implements TokenEvent {}

    /**
     * The end of the sequence: {@link FinishReason#STOP} for an end-of-generation token.
     *
     * @param cachedPromptTokens prompt tokens whose keys and values were reused from an earlier request
     */
    record Finished(FinishReason reason, int promptTokens, int cachedPromptTokens, int generatedTokens) implements TokenEvent {}

    record Failed(RuntimeException error) implements TokenEvent {}

    final Request request;
    final Sampler sampler;
    private final BlockingQueue<TokenEvent> events;   // null when a sink takes the events
    private final Consumer<TokenEvent> sink;
    private volatile boolean cancelled;

    // Scheduler-thread state.
    int[] history;          // prompt + generated tokens
    int length;             // tokens in history
    int processed;          // tokens of history whose keys and values are in the cache
    int cachedPromptTokens;
    int generated;
    KvSlot slot;
    boolean thinking;       // inside a thought that has a budget
    int thoughtTokens;      // tokens of that thought so far

    /** A sequence whose events the caller reads with {@link #take()}. */
    Sequence(Request request) {
        this(request, new LinkedBlockingQueue<>());
    }

    private Sequence(Request request, BlockingQueue<TokenEvent> queue) {
        this(request, queue, queue::add);
    }

    /** A sequence whose events go to {@code sink}, called on the scheduler's thread. */
    Sequence(Request request, Consumer<TokenEvent> sink) {
        this(request, null, sink);
    }

    private Sequence(Request request, BlockingQueue<TokenEvent> events, Consumer<TokenEvent> sink) {
        this.request = request;
        this.events = events;
        this.sink = sink;
        this.sampler = new Sampler(request.sampling());
        this.history = Arrays.copyOf(request.prompt().tokens(), request.prompt().length() + Math.min(request.maxTokens(), 256)); // grows on demand
        this.length = request.prompt().length();
        this.thinking = request.thought() != null && request.thought().startsOpen();
    }

    /** The next event, waiting as long as it takes (a sequence without a sink). */
    TokenEvent take() throws InterruptedException { return events.take(); }

    /** The next event, or null after {@code timeout} (a sequence without a sink). */
    TokenEvent poll(long timeout, TimeUnit unit) throws InterruptedException { return events.poll(timeout, unit); }

    /** Stops the sequence at the next token boundary; it then reports {@link FinishReason#CANCELLED}. */
    void cancel() { cancelled = true; }

    boolean isCancelled() { return cancelled; }

    int promptLength() { return request.prompt().length(); }

    void emit(TokenEvent event) { sink.accept(event); }

    /**
     * Tokens of history not yet in the cache: the rest of the prompt, or the token just sampled (with the closing of a
     * thought past its budget, which the scheduler wrote after it).
     */
    int pending() { return length - processed; }

    void append(int token) {
        if (length == history.length) history = Arrays.copyOf(history, history.length * 2);
        history[length++] = token;
    }
}
