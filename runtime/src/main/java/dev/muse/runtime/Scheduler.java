package dev.muse.runtime;

import dev.muse.models.ContextOverflowException;
import dev.muse.models.Decoder;
import dev.muse.models.Decoder.Step;
import dev.muse.runtime.Sequence.Finished;
import dev.muse.text.grammar.TokenConstraint;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Continuous batching for one model. A single scheduler thread runs the model step by step; at every
 * token boundary finished and cancelled sequences leave the batch and waiting ones join it. Each step
 * feeds one token of every generating sequence plus prompt chunks of newcomers (chunked prefill, bounded by
 * {@code maxBatchTokens}) through one batched forward, so each weight is read once per step for all of
 * them. Sequences pick the free KV slot that already holds the longest prefix of their prompt.
 */
public final class Scheduler implements AutoCloseable {
    /**
     * @param maxSequences   sequences generating at once (KV slots); more requests wait in a queue
     * @param contextLength  tokens each sequence may hold (prompt + generated)
     * @param maxBatchTokens rows per step; prompt chunks get what generating sequences leave
     */
    public record Options(int maxSequences, int contextLength, int maxBatchTokens) {
        /** Rows per step for a server: prompt chunks of newcomers are bounded by it, so streaming clients never wait long for their next token. */
        static final int SERVING_BATCH_TOKENS = 32;

        public Options {
            if (maxSequences < 1 || contextLength < 2 || maxBatchTokens < 1) throw new IllegalArgumentException("bad scheduler options " + this);
        }

        /** What a server runs with: many clients, short steps. */
        public static Options serving(int maxSequences, int contextLength) {
            return new Options(maxSequences, contextLength, SERVING_BATCH_TOKENS);
        }

        /** One sequence whose whole prompt goes through in one step (the command line). */
        public static Options single(int contextLength) {
            return new Options(1, contextLength, contextLength);
        }
    }

    /** A snapshot for metrics. */
    public record Stats(int waiting, int running, long kvBytes, long kvCapacityBytes, long kvTokens,
                        long promptTokens, long cachedPromptTokens, long generatedTokens, long steps) {}

    /** Prompt tokens another sequence must be about to compute before a newcomer waits for them rather than computing them itself. */
    private static final int WORTH_WAITING_FOR = 32;

    private final Decoder model;
    private final Options options;
    private final List<KvSlot> slots = new ArrayList<>();
    private final Deque<Sequence> waiting = new ArrayDeque<>();
    private final List<Sequence> running = new ArrayList<>();
    private final Thread thread;
    private final AtomicLong promptTokens = new AtomicLong(), cachedPromptTokens = new AtomicLong(), generatedTokens = new AtomicLong(), steps = new AtomicLong();
    private boolean closed;

    public Scheduler(Decoder model, Options options, String name) {
        this.model = model;
        this.options = options;
        for (int i = 0; i < options.maxSequences(); i++) slots.add(new KvSlot(model.newState(options.contextLength())));
        this.thread = Thread.ofPlatform().name("muse-scheduler-" + name).daemon().start(this::loop);
    }

    public Options options() { return options; }

    /** Queues a generation whose events the caller reads from the sequence. */
    Sequence submit(Sequence.Request request) {
        return enqueue(new Sequence(request));
    }

    /** Queues a generation whose events go to {@code sink} (called on the scheduler's thread). */
    Sequence submit(Sequence.Request request, java.util.function.Consumer<Sequence.TokenEvent> sink) {
        return enqueue(new Sequence(request, sink));
    }

    /** A prompt that leaves no room to generate in the context is refused here, never truncated. */
    private Sequence enqueue(Sequence sequence) {
        Sequence.Request request = sequence.request;
        if (request.prompt().length() >= options.contextLength())
            throw new ContextOverflowException(request.prompt().length() + 1, options.contextLength());
        request.prompt().check(model);
        synchronized (this) {
            if (closed) throw new IllegalStateException("the model has been unloaded");
            waiting.add(sequence);
            notifyAll();
        }
        return sequence;
    }

    public synchronized Stats stats() {
        long bytes = 0, capacity = 0, tokens = 0;
        for (KvSlot slot : slots) {
            bytes += slot.cache.byteSize();
            capacity += slot.cache.capacityBytes();
            if (slot.owner != null) tokens += slot.cache.length();
        }
        return new Stats(waiting.size(), running.size(), bytes, capacity, tokens, promptTokens.get(), cachedPromptTokens.get(),
                generatedTokens.get(), steps.get());
    }

    /** Whether any sequence is waiting or running. */
    public synchronized boolean busy() { return !waiting.isEmpty() || !running.isEmpty(); }

    /** Stops the scheduler: every waiting or running sequence fails with "unloaded". Returns when the thread is gone. */
    @Override public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        while (true) {
            synchronized (this) {
                while (!closed && waiting.isEmpty() && running.isEmpty()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        closed = true;
                    }
                }
                if (closed) break;
                dropCancelled();
                try {
                    admit();
                } catch (RuntimeException e) { // fail the request being admitted rather than the thread
                    Sequence head = waiting.poll();
                    if (head != null) head.emit(new Sequence.Failed(e));
                }
            }
            try {
                if (!running.isEmpty()) step();
            } catch (RuntimeException e) {
                // A bug here must not silently stop the thread every request of this model waits on.
                synchronized (this) {
                    for (Sequence s : List.copyOf(running)) {
                        release(s);
                        s.emit(new Sequence.Failed(e));
                    }
                }
            }
        }
        synchronized (this) {
            IllegalStateException unloaded = new IllegalStateException("the model was unloaded");
            for (Sequence s : waiting) s.emit(new Sequence.Failed(unloaded));
            for (Sequence s : running) s.emit(new Sequence.Failed(unloaded));
            waiting.clear();
            running.clear();
        }
    }

    private void dropCancelled() {
        waiting.removeIf(s -> {
            if (s.isCancelled()) s.emit(new Finished(FinishReason.CANCELLED, s.promptLength(), 0, 0));
            return s.isCancelled();
        });
        for (Sequence s : List.copyOf(running)) if (s.isCancelled()) finish(s, FinishReason.CANCELLED);
    }

    /**
     * Moves waiting sequences into free slots, each into the slot sharing the longest prefix with its prompt.
     * A running sequence that already computed a longer shared prefix lends it (its keys and values are
     * copied), and a newcomer whose prompt a running sequence is still computing waits for it: n choices of
     * one prompt, or clients arriving together with the same long system prompt, compute it once.
     */
    private void admit() {
        while (!waiting.isEmpty()) {
            Sequence s = waiting.peek();
            int[] prompt = s.request.prompt().tokens();
            KvSlot best = null;
            int bestShared = -1;
            for (KvSlot slot : slots) {
                if (slot.owner != null) continue;
                int shared = slot.sharedPrefix(prompt);
                if (shared > bestShared || shared == bestShared && slot.lastUsedNanos < best.lastUsedNanos) {
                    best = slot;
                    bestShared = shared;
                }
            }
            if (best == null) return;
            Sequence donor = null;
            int donorShared = bestShared;
            for (Sequence r : running) {
                int computed = sharedPrefix(r.history, r.processed, prompt);
                if (computed > donorShared) {
                    donor = r;
                    donorShared = computed;
                }
                if (r.generated == 0 && sharedPrefix(r.history, r.promptLength(), prompt) >= Math.max(bestShared, computed) + WORTH_WAITING_FOR)
                    return; // r is still computing much of this prompt: admit s once it has
            }
            waiting.poll();
            if (donor != null) {
                best.cache.copyPrefixFrom(donor.slot.cache, donorShared);
                bestShared = donorShared;
            }
            // At least the last prompt token is run again: its logits are what the first sample needs.
            int reused = s.request.prompt().reusable(Math.min(bestShared, s.promptLength() - 1));
            best.cache.truncate(reused);
            best.owner = s;
            best.tokens = s.history;
            s.slot = best;
            s.processed = reused;
            s.cachedPromptTokens = reused;
            cachedPromptTokens.addAndGet(reused);
            running.add(s);
        }
    }

    /** How many leading tokens of {@code prompt} are among the first {@code length} of {@code tokens}. */
    private static int sharedPrefix(int[] tokens, int length, int[] prompt) {
        int n = Math.min(length, prompt.length);
        int i = Arrays.mismatch(tokens, 0, n, prompt, 0, n);
        return i < 0 ? n : i;
    }

    /** One batched forward over every running sequence, then one sample for each that reached its end. */
    private void step() {
        List<Sequence> batch = new ArrayList<>();
        List<Step> work = new ArrayList<>();
        int budget = options.maxBatchTokens();
        for (Sequence s : running) {
            if (s.generated > 0) {
                batch.add(s);
                work.add(new Step(s.slot.cache, Arrays.copyOfRange(s.history, s.processed, s.length)));
                budget -= s.pending();
            }
        }
        for (Sequence s : running) {
            if (s.generated > 0) continue;
            if (budget <= 0 && !batch.isEmpty()) break;
            Step prefill = s.request.prompt().step(s.slot.cache, s.processed, budget); // a whole image span may exceed the budget
            batch.add(s);
            work.add(prefill);
            budget -= prefill.rows();
        }
        float[][] logits;
        try {
            logits = model.forward(work);
        } catch (RuntimeException e) {
            synchronized (this) {
                for (Sequence s : batch) {
                    release(s);
                    s.emit(new Sequence.Failed(e));
                }
            }
            return;
        }
        steps.incrementAndGet();
        for (int i = 0; i < batch.size(); i++) {
            Sequence s = batch.get(i);
            int fed = work.get(i).rows();
            if (s.generated == 0) promptTokens.addAndGet(fed);
            s.processed += fed;
            if (s.pending() == 0) sampleNext(s, logits[i]);
        }
    }

    private void sampleNext(Sequence s, float[] logits) {
        Sequence.Request r = s.request;
        Sequence.Logprob chosen = null;
        Sequence.Logprob[] top = null;
        float[] logSoftmax = r.topLogprobs() >= 0 ? Logprobs.logSoftmax(logits) : null; // the model's own, before any watermark
        if (r.watermark() != null) r.watermark().bias(logits, s.history[s.length - 1]);
        int token;
        try {
            token = r.constraint() == null ? s.sampler.sample(logits, s.history, s.length) : constrained(s, r.constraint(), logits);
        } catch (RuntimeException | StackOverflowError e) { // a grammar that cannot go on (or runs wild) fails its own sequence only
            synchronized (this) {
                release(s);
                s.emit(new Sequence.Failed(e instanceof RuntimeException re ? re : new IllegalArgumentException("the grammar nests too deeply", e)));
            }
            return;
        }
        if (r.isStop().test(token)) {
            synchronized (this) { finish(s, FinishReason.STOP); }
            return;
        }
        if (logSoftmax != null) {
            chosen = new Sequence.Logprob(token, logSoftmax[token]);
            top = Logprobs.top(logSoftmax, r.topLogprobs());
        }
        generate(s, token, chosen, top);
        if (r.thought() != null && keepThoughtBudget(s, token, r.thought()))
            for (int t : r.thought().closing()) generate(s, t, null, null);
        if (s.generated >= r.maxTokens() || s.length >= options.contextLength()) {
            synchronized (this) { finish(s, FinishReason.LENGTH); }
        }
    }

    /**
     * A token the sequence's grammar allows: the sampler's own choice when it fits (most do), else a draw from the logits
     * of the tokens that fit; the grammar then moves past it.
     */
    private static int constrained(Sequence s, TokenConstraint grammar, float[] logits) {
        float[] unsampled = logits.clone(); // the sampler changes logits in place (penalties)
        int token = s.sampler.sample(logits, s.history, s.length);
        if (!grammar.allows(token)) {
            if (!grammar.mask(unsampled)) throw new IllegalStateException("no token of the vocabulary can continue the grammar here");
            token = s.sampler.sample(unsampled, s.history, s.length);
        }
        grammar.accept(token);
        return token;
    }

    private void generate(Sequence s, int token, Sequence.Logprob chosen, Sequence.Logprob[] top) {
        s.append(token);
        s.generated++;
        generatedTokens.incrementAndGet();
        s.emit(new Sequence.Token(token, chosen, top));
    }

    /**
     * Follows a thought with a budget after {@code token}: true when the thought has just run out of it and there is room
     * (tokens and context) to close it, which the caller then writes.
     */
    private boolean keepThoughtBudget(Sequence s, int token, Sequence.ThoughtBudget budget) {
        if (!s.thinking) {
            s.thinking = s.generated == 1 && token == budget.open(); // a thought opens only as the first token
            return false;
        }
        if (token == budget.close()) {
            s.thinking = false;
            return false;
        }
        if (++s.thoughtTokens < budget.tokens()) return false;
        s.thinking = false;
        int room = Math.min(s.request.maxTokens() - s.generated, options.contextLength() - s.length);
        return budget.closing().length < room; // else the length limit ends the choice inside its thought
    }

    private void finish(Sequence s, FinishReason reason) {
        release(s);
        s.emit(new Finished(reason, s.promptLength(), s.cachedPromptTokens, s.generated));
    }

    private void release(Sequence s) {
        running.remove(s);
        KvSlot slot = s.slot;
        slot.tokens = s.history; // history may have grown into a new array since admission
        slot.owner = null;
        slot.lastUsedNanos = System.nanoTime();
        s.slot = null;
    }
}
