package dev.muse.models;

import dev.muse.media.LogMel;

/**
 * An encoder-decoder speech model (Whisper): a 30-second window of log-mel frames is encoded once, then any number
 * of token sequences (greedy, beams, fallbacks at other temperatures) decode against it, each with a
 * {@link SequenceState} of its own. Tokens and their meaning (special tokens, timestamps, languages) belong to the
 * model's vocabulary, which the caller reads through {@link #pieces()}.
 */
public interface SpeechRecognizer extends Model {
    /** The spectrogram this model reads, with its own mel filter bank. */
    LogMel logMel();

    /** Mel frames encoded at once (3000: 30 s). */
    int windowFrames();

    /** Decoder positions: the longest token sequence one window's decoding may hold (448). */
    int textContextLength();

    int vocabularySize();

    /** Each token's bytes as an ISO-8859-1 string (one char per byte); ids past its end are special tokens. */
    String[] pieces();

    /** Encodes {@link #windowFrames()} frames of {@code mel} from {@code fromFrame} (zeros past its end). */
    EncodedAudio encode(LogMel.Spectrogram mel, int fromFrame);

    /** A new token sequence decoding against {@code audio}. */
    SequenceState start(EncodedAudio audio);

    /**
     * Appends {@code tokens} to {@code sequence} (made by {@link #start}) and returns the logits that follow the last
     * of them: {@link #vocabularySize()} floats.
     */
    float[] decode(SequenceState sequence, int[] tokens);

    /**
     * Transcribes (or translates) 16 kHz mono samples, window by window, telling {@code listener} each segment as it
     * is decided. Throws IllegalArgumentException for options the model cannot follow (an unknown language, a
     * language or translation asked of an English-only model).
     */
    Transcript transcribe(float[] samples, TranscriptionOptions options, Listener listener);

    /** Hears of a transcription's progress; {@link #cancelled()} is asked between tokens. */
    interface Listener {
        default void segment(Transcript.Segment segment) {}

        /** How far through the audio, 0 to 1. */
        default void progress(double fraction) {}

        default boolean cancelled() { return false; }
    }

    /** What the encoder made of one window: opaque to everyone but the model that made it. */
    interface EncodedAudio {
        /** Bytes held. */
        long byteSize();
    }
}
