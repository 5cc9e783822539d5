package dev.muse.models;

/**
 * How to transcribe, with OpenAI's and whisper.cpp's defaults ({@link #DEFAULTS}).
 *
 * @param language             the spoken language's code ("en", "de", ...), or null to detect it from the first 30 s
 * @param translate            translate into English rather than transcribe
 * @param timestamps           segment timestamps (when off, a window is one segment)
 * @param tokenTimestamps      each token's start and end too (whisper.cpp's estimate; words are made of them)
 * @param temperature          the first temperature; 0 is greedy
 * @param temperatureIncrement added on each fallback, up to 1.0; 0 turns fallback off
 * @param bestOf               sequences sampled at a temperature above 0, the best kept
 * @param beamSize             beams searched at temperature 0; 1 is greedy
 * @param prompt               text that sets the style and vocabulary (OpenAI's {@code prompt}), or null
 * @param logprobThreshold     a window whose average token log-probability is below this falls back
 * @param noSpeechThreshold    a window whose no-speech probability is above this (and which is unlikely) is silence
 * @param entropyThreshold     a sequence over 32 tokens whose last 32 tokens' entropy is below this is a repetition
 *                             loop and falls back (whisper.cpp's test)
 * @param compressionRatioThreshold a window whose text deflates by more than this ratio repeats itself and falls
 *                             back (OpenAI's test)
 * @param offsetSeconds        where to start in the audio
 * @param durationSeconds      how much of it to transcribe; 0 for all
 */
public record TranscriptionOptions(String language, boolean translate, boolean timestamps, boolean tokenTimestamps, float temperature,
                                   float temperatureIncrement, int bestOf, int beamSize, String prompt, float logprobThreshold,
                                   float noSpeechThreshold, float entropyThreshold, float compressionRatioThreshold,
                                   double offsetSeconds, double durationSeconds) {
    public static final TranscriptionOptions DEFAULTS =
            new TranscriptionOptions(null, false, true, false, 0f, 0.2f, 5, 1, null, -1f, 0.6f, 2.4f, 2.4f, 0, 0);

    public TranscriptionOptions {
        if (!(temperature >= 0 && temperature <= 1) || !(temperatureIncrement >= 0) || bestOf < 1 || bestOf > 16 || beamSize < 1 || beamSize > 16
                || !(offsetSeconds >= 0) || !(durationSeconds >= 0)) {
            throw new IllegalArgumentException("temperature must be in [0, 1], best-of and beam size in [1, 16], offsets non-negative");
        }
    }

    public TranscriptionOptions withLanguage(String code) { return with(o -> o.language = code); }

    public TranscriptionOptions withTemperature(float first, float increment) {
        return with(o -> {
            o.temperature = first;
            o.temperatureIncrement = increment;
        });
    }

    public TranscriptionOptions withTranslate(boolean on) { return with(o -> o.translate = on); }

    public TranscriptionOptions withTimestamps(boolean on) { return with(o -> o.timestamps = on); }

    public TranscriptionOptions withTokenTimestamps(boolean on) { return with(o -> o.tokenTimestamps = on); }

    public TranscriptionOptions withBeamSize(int beams) { return with(o -> o.beamSize = beams); }

    public TranscriptionOptions withPrompt(String text) { return with(o -> o.prompt = text); }

    /** These options with some changed: the record's fields, as a mutable copy to change. */
    private TranscriptionOptions with(java.util.function.Consumer<Changes> change) {
        Changes c = new Changes(this);
        change.accept(c);
        return new TranscriptionOptions(c.language, c.translate, c.timestamps, c.tokenTimestamps, c.temperature, c.temperatureIncrement,
                c.bestOf, c.beamSize, c.prompt, c.logprobThreshold, c.noSpeechThreshold, c.entropyThreshold, c.compressionRatioThreshold,
                c.offsetSeconds, c.durationSeconds);
    }

    private static final class Changes {
        String language, prompt;
        boolean translate, timestamps, tokenTimestamps;
        float temperature, temperatureIncrement, logprobThreshold, noSpeechThreshold, entropyThreshold, compressionRatioThreshold;
        int bestOf, beamSize;
        double offsetSeconds, durationSeconds;

        Changes(TranscriptionOptions o) {
            language = o.language;
            prompt = o.prompt;
            translate = o.translate;
            timestamps = o.timestamps;
            tokenTimestamps = o.tokenTimestamps;
            temperature = o.temperature;
            temperatureIncrement = o.temperatureIncrement;
            logprobThreshold = o.logprobThreshold;
            noSpeechThreshold = o.noSpeechThreshold;
            entropyThreshold = o.entropyThreshold;
            compressionRatioThreshold = o.compressionRatioThreshold;
            bestOf = o.bestOf;
            beamSize = o.beamSize;
            offsetSeconds = o.offsetSeconds;
            durationSeconds = o.durationSeconds;
        }
    }
}
