package dev.muse.runtime;

/**
 * Text to say with a speech synthesis model: the voice (null: the model's default), the pace (1 is the voice's own; 0.25
 * to 4), the seed of the vocoder's noise (the same seed says the same text the same way), and the most phonemes one
 * piece may have: shorter pieces start sounding sooner, longer ones flow better.
 */
public record SpeechRequest(String model, String input, String voice, float speed, long seed, int piecePhonemes) {
    /** Input longer than this many characters is refused: a whole book is said in several requests. */
    public static final int MAX_INPUT_CHARS = 100_000;
    /** Pieces of about a sentence: the first sounds after a sentence's synthesis, not the paragraph's. */
    public static final int STREAMING_PIECE = 200;
    /** The first piece is shorter still (a clause or a few words), so that the first sound comes soonest. */
    public static final int FIRST_PIECE = 60;

    public SpeechRequest {
        if (input == null || input.isBlank()) throw new IllegalArgumentException("there is no text to say");
        if (input.length() > MAX_INPUT_CHARS) throw new IllegalArgumentException("the text is " + input.length() + " characters; at most " + MAX_INPUT_CHARS + " are said at once");
        if (!(speed >= 0.25f && speed <= 4f)) throw new IllegalArgumentException("speed " + speed + " is outside 0.25..4");
        if (piecePhonemes < 16 || piecePhonemes > 510) throw new IllegalArgumentException("pieces of " + piecePhonemes + " phonemes: 16..510");
    }

    public static SpeechRequest of(String model, String input) {
        return new SpeechRequest(model, input, null, 1f, 0, STREAMING_PIECE);
    }

    public SpeechRequest withVoice(String voice) { return new SpeechRequest(model, input, voice, speed, seed, piecePhonemes); }

    public SpeechRequest withSpeed(float speed) { return new SpeechRequest(model, input, voice, speed, seed, piecePhonemes); }

    public SpeechRequest withSeed(long seed) { return new SpeechRequest(model, input, voice, speed, seed, piecePhonemes); }

    public SpeechRequest withPiecePhonemes(int n) { return new SpeechRequest(model, input, voice, speed, seed, n); }
}
