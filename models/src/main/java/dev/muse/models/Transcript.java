package dev.muse.models;

import java.util.List;

/**
 * What a speech recognizer heard: the language (given or detected) and the segments in order.
 *
 * @param seconds the duration of the audio transcribed
 */
public record Transcript(String language, double seconds, List<Segment> segments) {
    public Transcript {
        segments = List.copyOf(segments);
    }

    /** All segments' text, joined as they are (Whisper's text tokens carry their own leading spaces). */
    public String text() {
        StringBuilder b = new StringBuilder();
        for (Segment s : segments) {
            b.append(s.text());
        }
        return b.toString();
    }

    /**
     * A stretch of speech between two timestamps, in centiseconds from the start of the audio.
     *
     * @param tokens             its tokens, timestamps included, with their probabilities
     * @param averageLogprob     the window's average token log-probability
     * @param noSpeechProbability the window's probability of holding no speech
     * @param temperature        the temperature the window was decoded at (above the first one after a fallback)
     */
    public record Segment(int start, int end, String text, List<Token> tokens, float averageLogprob,
                          float noSpeechProbability, float temperature) {
        public Segment {
            tokens = List.copyOf(tokens);
        }
    }

    /**
     * One token: its id, its text ("" for timestamps and other special tokens), its probability, and its start and
     * end in centiseconds when token timestamps were asked for (else -1).
     */
    public record Token(int id, String text, float probability, long start, long end) {}
}
