package dev.muse.runtime;

import java.util.Objects;

/**
 * A sound file to transcribe (or translate into English) with a speech model.
 *
 * @param audio       the encoded file as it came (WAV today), decoded within {@link dev.muse.media.AudioLimits#DEFAULT}
 * @param language    the spoken language's code, or null to detect it
 * @param prompt      text that sets the style and vocabulary (OpenAI's {@code prompt}), or null
 * @param temperature 0 (the default): greedy, falling back to higher temperatures on a window that decodes badly;
 *                    above 0: sampled at that temperature, the best of five kept, no fallback
 * @param timestamps  cut the text into timed segments (off: one segment per 30 s window)
 * @param words       time each token too (whisper.cpp's estimate), from which words and their times are made
 * @param beamSize    beams searched at temperature 0 (1: greedy, the API's way; whisper.cpp's CLI searches 5)
 * @param skipSilence transcribe only the speech voice activity detection finds (needs the engine's Silero VAD)
 */
public record TranscriptionRequest(String model, byte[] audio, String language, boolean translate, String prompt,
                                   float temperature, boolean timestamps, boolean words, int beamSize, boolean skipSilence) {
    public TranscriptionRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(audio, "audio");
        if (!(temperature >= 0 && temperature <= 1)) throw new IllegalArgumentException("temperature must be between 0 and 1");
        if (beamSize < 1 || beamSize > 16) throw new IllegalArgumentException("the beam size must be between 1 and 16");
    }

    public static TranscriptionRequest of(String model, byte[] audio) {
        return new TranscriptionRequest(model, audio, null, false, null, 0, true, false, 1, false);
    }
}
