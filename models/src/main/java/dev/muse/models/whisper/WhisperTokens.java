package dev.muse.models.whisper;

import java.util.List;

/**
 * Whisper's special tokens, placed as whisper.cpp places them from the vocabulary size alone: English-only models
 * (51864 tokens) end the text tokens with end-of-text at 50256; multilingual ones (51865, and 51866 for large-v3
 * with its 100th language) shift everything after it by one, and the tokens after the languages by the number of
 * languages past 98. Timestamp k (k * 20 ms) is {@code timestampBegin + k}.
 *
 * @param languages how many language tokens follow start-of-transcript (99 or 100; 99 for English-only models too,
 *                  which never use them)
 */
public record WhisperTokens(int vocabularySize, boolean multilingual, int languages, int endOfText,
                            int startOfTranscript, int translate, int transcribe, int startOfLm, int previous,
                            int noSpeech, int noTimestamps, int timestampBegin) {
    /**
     * The language codes in token order ({@code startOfTranscript + 1 + index}), as whisper.cpp's g_lang table;
     * a 99-language model has all but the last.
     */
    public static final List<String> LANGUAGES = List.of("en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr",
            "pl", "ca", "nl", "ar", "sv", "it", "id", "hi", "fi", "vi", "he", "uk", "el", "ms", "cs", "ro", "da", "hu",
            "ta", "no", "th", "ur", "hr", "bg", "lt", "la", "mi", "ml", "cy", "sk", "te", "fa", "lv", "bn", "sr", "az",
            "sl", "kn", "et", "mk", "br", "eu", "is", "hy", "ne", "mn", "bs", "kk", "sq", "sw", "gl", "mr", "pa", "si",
            "km", "sn", "yo", "so", "af", "oc", "ka", "be", "tg", "sd", "gu", "am", "yi", "lo", "uz", "fo", "ht", "ps",
            "tk", "nn", "mt", "sa", "lb", "my", "bo", "tl", "mg", "as", "tt", "haw", "ln", "ha", "ba", "jw", "su", "yue");

    /** The special tokens of a model with {@code vocabularySize} tokens. */
    public static WhisperTokens of(int vocabularySize) {
        boolean multilingual = vocabularySize >= 51865;
        int languages = vocabularySize - 51765 - (multilingual ? 1 : 0);
        if (languages < 1 || languages > LANGUAGES.size()) {
            throw new IllegalArgumentException("a vocabulary of " + vocabularySize + " tokens is not a Whisper one");
        }
        int shift = multilingual ? 1 : 0, dt = multilingual ? languages - 98 : 0;
        return new WhisperTokens(vocabularySize, multilingual, languages, 50256 + shift, 50257 + shift,
                50357 + dt, 50358 + dt, 50359 + dt, 50360 + dt, 50361 + dt, 50362 + dt, 50363 + dt);
    }

    /** The token of a language code ("en", "de", ...); an IllegalArgumentException names the codes this model has. */
    public int language(String code) {
        int index = LANGUAGES.indexOf(code);
        if (index < 0 || index >= languages || !multilingual) {
            throw new IllegalArgumentException(multilingual ? "unknown language '" + code + "'"
                    : "this model is English-only: it cannot take a language");
        }
        return startOfTranscript + 1 + index;
    }

    /** The token of timestamp {@code centiseconds} (rounded down to 20 ms steps). */
    public int timestamp(int centiseconds) {
        return timestampBegin + centiseconds / 2;
    }

    public boolean isTimestamp(int token) {
        return token >= timestampBegin;
    }
}
