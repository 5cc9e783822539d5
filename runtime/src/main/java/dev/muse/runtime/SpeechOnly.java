package dev.muse.runtime;

import dev.muse.models.Transcript;
import dev.muse.models.silero.SileroVad;
import java.util.ArrayList;
import java.util.List;

/**
 * Sound with its silences taken out, as voice activity detection finds them (Silero VAD), and the way back from a
 * time in it to the same moment in the original: the speech stretches are laid end to end with 0.1 s of silence
 * between them, transcribed, and every time the transcription gives is mapped back. Long silences then cost no
 * decoding, and a model does not make up words in them.
 */
final class SpeechOnly {
    private static final int GAP = SileroVad.SAMPLE_RATE / 10;

    /** A stretch of speech: where it starts in the condensed sound and in the original, and its length (samples). */
    private record Piece(int condensed, int original, int length) {}

    private final List<Piece> pieces = new ArrayList<>();
    private final float[] samples;

    /** The speech of {@code samples} (16 kHz) that {@code vad} finds; empty when it finds none. */
    SpeechOnly(SileroVad vad, float[] samples) {
        List<SileroVad.Speech> speech = SileroVad.speech(vad.probabilities(samples), samples.length);
        int length = 0;
        for (SileroVad.Speech s : speech) length += s.end() - s.start() + GAP;
        float[] out = new float[Math.max(0, length - GAP)];
        int at = 0;
        for (SileroVad.Speech s : speech) {
            System.arraycopy(samples, s.start(), out, at, s.end() - s.start());
            pieces.add(new Piece(at, s.start(), s.end() - s.start()));
            at += s.end() - s.start() + GAP;
        }
        this.samples = out;
    }

    float[] samples() { return samples; }

    boolean silent() { return pieces.isEmpty(); }

    /** The original time (seconds) of {@code seconds} into the condensed sound; a time in a gap belongs to the speech before it. */
    double original(double seconds) {
        int sample = (int) Math.round(seconds * SileroVad.SAMPLE_RATE);
        Piece piece = pieces.getFirst();
        for (Piece p : pieces) if (p.condensed() <= sample) piece = p;
        int into = Math.min(Math.max(0, sample - piece.condensed()), piece.length());
        return (piece.original() + into) / (double) SileroVad.SAMPLE_RATE;
    }

    /** A transcribed segment with its times, and its tokens' times, mapped back to the original. */
    Transcript.Segment original(Transcript.Segment s) {
        List<Transcript.Token> tokens = new ArrayList<>();
        for (Transcript.Token t : s.tokens())
            tokens.add(new Transcript.Token(t.id(), t.text(), t.probability(), t.start() < 0 ? -1 : centiseconds(t.start()),
                    t.end() < 0 ? -1 : centiseconds(t.end())));
        return new Transcript.Segment((int) centiseconds(s.start()), (int) centiseconds(s.end()), s.text(), tokens, s.averageLogprob(),
                s.noSpeechProbability(), s.temperature());
    }

    private long centiseconds(long condensed) {
        return Math.round(original(condensed / 100.0) * 100);
    }
}
