package dev.muse.runtime;

import dev.muse.runtime.Sequence.Finished;
import dev.muse.runtime.Sequence.Token;
import dev.muse.text.TokenDecoder;
import dev.muse.text.Tokenizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Text generation on top of a {@link Scheduler}: runs one {@link Sequence}, turns its tokens into text
 * (whole UTF-8 characters only), cuts the text at the first stop string, and hands it out in pieces as
 * it comes. Runs on the caller's (virtual) thread; if the listener throws (the client went away) or the
 * thread is interrupted, the sequence is cancelled at once and its slot freed.
 */
public final class Completion {
    /** Receives text as it is generated, with the tokens that produced it. */
    @FunctionalInterface
    public interface Listener {
        void onText(String text, List<Token> tokens) throws IOException;
    }

    public enum FinishReason { STOP, LENGTH, CANCELLED }

    /**
     * How it ended.
     *
     * @param firstTokenNanos time from submission to the first token (or to the end, when none came)
     */
    public record Outcome(FinishReason reason, int promptTokens, int cachedPromptTokens, int completionTokens,
                          long firstTokenNanos, long totalNanos) {}

    private Completion() {}

    public static Outcome run(Scheduler scheduler, Sequence.Request request, Tokenizer tokenizer, List<String> stop, Listener listener)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        Sequence sequence = scheduler.submit(request);
        try {
            TokenDecoder decoder = TokenDecoder.forReplies(tokenizer);
            StopStrings stops = new StopStrings(stop);
            List<Token> tokens = new ArrayList<>();
            long firstToken = -1;
            int completionTokens = 0;
            while (true) {
                switch (sequence.take()) {
                    case Token t -> {
                        if (firstToken < 0) firstToken = System.nanoTime() - start;
                        completionTokens++;
                        tokens.add(t);
                        String text = stops.add(decoder.next(t.id()));
                        if (stops.stopped()) sequence.cancel();
                        if (!text.isEmpty() || stops.stopped()) {
                            listener.onText(text, List.copyOf(tokens));
                            tokens.clear();
                        }
                        if (stops.stopped()) {
                            Finished f = awaitEnd(sequence);
                            return new Outcome(FinishReason.STOP, f.promptTokens(), f.cachedPromptTokens(), completionTokens, firstToken,
                                    System.nanoTime() - start);
                        }
                    }
                    case Finished f -> {
                        String rest = stops.add(decoder.flush());
                        if (!stops.stopped()) rest += stops.flush();
                        if (!rest.isEmpty() || !tokens.isEmpty()) listener.onText(rest, List.copyOf(tokens));
                        FinishReason reason = switch (f.reason()) {
                            case END_OF_TEXT -> FinishReason.STOP;
                            case LENGTH -> stops.stopped() ? FinishReason.STOP : FinishReason.LENGTH;
                            case CANCELLED -> FinishReason.CANCELLED;
                        };
                        long total = System.nanoTime() - start;
                        return new Outcome(reason, f.promptTokens(), f.cachedPromptTokens(), completionTokens, firstToken < 0 ? total : firstToken, total);
                    }
                    case Sequence.Failed f -> throw f.error();
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            sequence.cancel();
            throw e;
        }
    }

    /** After a stop string the sequence was cancelled; its last events (a token or two, then Finished) are dropped. */
    private static Finished awaitEnd(Sequence sequence) throws InterruptedException {
        while (true) {
            switch (sequence.take()) {
                case Finished f -> { return f; }
                case Sequence.Failed f -> throw f.error();
                case Token t -> { }
            }
        }
    }
}
