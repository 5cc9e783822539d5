package dev.muse.runtime;

import java.util.List;

/**
 * The answer to one chat or text completion as a stream of {@link Event}s: the caller reads them with {@link #next()}
 * (blocking, which is cheap on a virtual thread) until the {@link Event#last() last} one. Closing it (a client that went
 * away) cancels everything still running at the next token boundary, which frees the model's slots.
 *
 * <p>Two kinds: {@link Choices} samples one or more answers of one prompt in one batch; a {@link Contemplation} runs
 * several sub-agents in one batch and then writes one answer from their conclusions; a {@link ToolUse} answers in rounds,
 * running Muse's own tools between them.
 */
public abstract sealed class Generation implements AutoCloseable permits Choices, Contemplation, ToolUse {
    private List<String> heard = List.of();

    /** The next event, waiting for it; after the last one this fails. */
    public abstract Event next() throws InterruptedException;

    /** Stops everything still running at its next token boundary; each choice then ends as {@link FinishReason#CANCELLED}. */
    public abstract void cancel();

    @Override public void close() { cancel(); }

    /** Tokens of the prompt the answer reads. */
    public abstract int promptTokens();

    /** Messages of the conversation left out to fit the context (only for a request that asked to be fitted). */
    public abstract int leftOutMessages();

    /** What the speech model heard in each audio part of the request, in the order of the parts. */
    public List<String> heard() { return heard; }

    Generation withHeard(List<String> transcripts) {
        this.heard = List.copyOf(transcripts);
        return this;
    }
}
