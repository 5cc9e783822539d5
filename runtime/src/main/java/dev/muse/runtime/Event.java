package dev.muse.runtime;

import java.util.List;

/**
 * What a {@link Generation} reports, in order: for each choice its {@link Reasoning} (a reasoning model's thought),
 * {@link Token}s and {@link ToolCall}s and then one {@link Done};
 * the stream ends with {@link Usage} once every choice is done, or with {@link Error} at the first failure.
 * Choices interleave. A {@link Contemplation} first reports its sub-agents' work ({@link Contemplating}, then
 * {@link AgentText}s and an {@link AgentDone} per sub-agent, interleaved), then its one answer as choice 0 does.
 * A {@link Transcription} reports {@link Progress} and {@link Segment}s, then
 * {@link Transcribed} (or {@link Error}); a {@link Drawing} reports {@link Progress} and an {@link Image} per picture, then
 * {@link Drawn} (or {@link Error}); a {@link Speaking} reports an {@link Audio} and its {@link Progress} per piece, then
 * {@link Spoken} (or {@link Error}). Later abilities add their own kinds here, so every edge maps one sealed type.
 */
public sealed interface Event {
    /** Whether this is the last event of its stream. */
    default boolean last() { return false; }

    /**
     * Text of choice {@code choice} as it grows: whole UTF-8 characters only, held back while it could still
     * become a stop string. {@code logprobs} has one entry per token that produced it, when the request asked.
     */
    record Token(int choice, String text, List<TokenLogprob> logprobs) implements Event {}

    /**
     * Thought of choice {@code choice} as it grows, apart from its answer: what a reasoning model writes between
     * {@code <think>} and {@code </think>} before it answers (the tags and the whitespace around the thought left out).
     * It comes before the choice's first {@link Token}; it has no log-probabilities.
     */
    record Reasoning(int choice, String text) implements Event {}

    /**
     * A function choice {@code choice} calls, once its call is complete: its place among the choice's calls, an id the
     * result will name, the function's name and its arguments as JSON text (an object). The choice then ends with
     * {@link FinishReason#TOOL_CALLS}.
     */
    record ToolCall(int choice, int index, String id, String name, String arguments) implements Event {}

    /**
     * One of Muse's own tools ran for the answer (the model called it; the engine ran it and answers on from its result):
     * the call's id, the tool, its arguments as JSON text, what the model read back, and what it made for the person.
     */
    record ToolStep(String id, String name, String arguments, String result, List<Output> outputs) implements Event {
        /** A file a tool made: its media type ("image/png", "audio/mpeg") and bytes. */
        public record Output(String mediaType, byte[] bytes) {}
    }

    /**
     * A contemplation's sub-agents set out, one per perspective: each thinks on its own from the shared prompt, all in one
     * batch, before one answer is written from their conclusions.
     */
    record Contemplating(List<String> perspectives) implements Event {}

    /** Text of sub-agent {@code agent} as it grows: its thought ({@code thought}) or, after it, its conclusion. */
    record AgentText(int agent, String text, boolean thought) implements Event {}

    /** Sub-agent {@code agent} ended, after {@code completionTokens} tokens. */
    record AgentDone(int agent, FinishReason reason, int completionTokens) implements Event {}

    /**
     * Choice {@code choice} ended.
     *
     * @param cachedPromptTokens prompt tokens whose keys and values were reused from an earlier request
     * @param firstTokenNanos    from the request to its first token (or to its end, when none came)
     */
    record Done(int choice, FinishReason reason, int promptTokens, int cachedPromptTokens, int completionTokens,
                long firstTokenNanos, long totalNanos) implements Event {
        /** Tokens per second after the first token (which the prompt pass produced). */
        public double tokensPerSecond() {
            long decode = totalNanos - firstTokenNanos;
            return completionTokens > 1 && decode > 0 ? (completionTokens - 1) * 1e9 / decode : 0;
        }

        /** Prompt tokens computed per second, up to the first token. */
        public double promptTokensPerSecond() {
            return (promptTokens - cachedPromptTokens) * 1e9 / Math.max(1, firstTokenNanos);
        }
    }

    /** The end of a successful stream: token counts over all choices (the prompt counted once). */
    record Usage(int promptTokens, int completionTokens, int cachedPromptTokens) implements Event {
        @Override public boolean last() { return true; }
    }

    /** The end of a failed stream: every choice still running was cancelled. */
    record Error(RuntimeException error) implements Event {
        @Override public boolean last() { return true; }
    }

    /**
     * A picture a drawing made, as a file that keeps its parameters (a PNG's "parameters" text as AUTOMATIC1111 writes it,
     * a JPEG's comment): its place among the request's pictures, the seed that draws it again, and the file's format
     * (png or jpeg).
     */
    record Image(int index, long seed, int width, int height, String format, byte[] file, boolean blurred) implements Event {}

    /**
     * A picture as it stands part-way through its drawing (TAESD's decode of the step's estimate, or a coarse linear
     * guess without TAESD), in the drawing's file format: the picture's place among the request's, which preview this is
     * (0-based), after which step.
     */
    record PartialImage(int index, int partial, int step, int width, int height, String format, byte[] file) implements Event {}

    /** The end of a successful drawing: how many pictures, at what size, steps and guidance; prompt tokens CLIP did not read. */
    record Drawn(int pictures, int width, int height, int steps, double guidance, int promptTokensLeftOut) implements Event {
        @Override public boolean last() { return true; }
    }

    /**
     * A piece of speech as soon as it is made: its place among the text's pieces, the text and phonemes it says, and its
     * samples (mono floats at {@code sampleRate}, about -1..1).
     */
    record Audio(int index, String text, String phonemes, int sampleRate, float[] samples) implements Event {}

    /** The end of a successful speech: how many pieces, how many seconds of audio in all, in which voice. */
    record Spoken(int pieces, double seconds, String voice) implements Event {
        @Override public boolean last() { return true; }
    }

    /** How far a long piece of work (a transcription, a drawing, a speech) has come, from 0 to 1. */
    record Progress(double fraction) implements Event {}

    /**
     * A stretch of speech a transcription heard, as soon as its window is decided.
     *
     * @param start               seconds from the start of the audio
     * @param averageLogprob      its window's average token log-probability
     * @param noSpeechProbability its window's probability of holding no speech
     * @param temperature         the temperature its window was decoded at
     */
    record Segment(double start, double end, String text, float averageLogprob, float noSpeechProbability,
                   float temperature, List<HeardToken> tokens) implements Event {}

    /**
     * One token of a {@link Segment}: its id, its text ("" for timestamps), its probability, and its start and end in
     * seconds when the transcription was asked to time words (else -1).
     */
    record HeardToken(int id, String text, float probability, double start, double end) {}

    /** The end of a successful transcription: the language heard (or given), the audio's length, all the text. */
    record Transcribed(String language, double seconds, String text) implements Event {
        @Override public boolean last() { return true; }
    }

    /**
     * The log-probability of one token under the model's own distribution, its bytes (a token may hold part of
     * a UTF-8 character) and, for a chosen token, the most likely alternatives.
     */
    record TokenLogprob(byte[] bytes, float logprob, List<TokenLogprob> top) {}
}
