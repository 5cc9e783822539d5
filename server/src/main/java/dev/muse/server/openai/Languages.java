package dev.muse.server.openai;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Whisper's languages by ISO 639 code and by the name OpenAI's verbose_json reports ("en" is "english"). */
public final class Languages {
    private static final String[] TABLE = {
            "en", "english", "zh", "chinese", "de", "german", "es", "spanish", "ru", "russian", "ko", "korean",
            "fr", "french", "ja", "japanese", "pt", "portuguese", "tr", "turkish", "pl", "polish", "ca", "catalan",
            "nl", "dutch", "ar", "arabic", "sv", "swedish", "it", "italian", "id", "indonesian", "hi", "hindi",
            "fi", "finnish", "vi", "vietnamese", "he", "hebrew", "uk", "ukrainian", "el", "greek", "ms", "malay",
            "cs", "czech", "ro", "romanian", "da", "danish", "hu", "hungarian", "ta", "tamil", "no", "norwegian",
            "th", "thai", "ur", "urdu", "hr", "croatian", "bg", "bulgarian", "lt", "lithuanian", "la", "latin",
            "mi", "maori", "ml", "malayalam", "cy", "welsh", "sk", "slovak", "te", "telugu", "fa", "persian",
            "lv", "latvian", "bn", "bengali", "sr", "serbian", "az", "azerbaijani", "sl", "slovenian", "kn", "kannada",
            "et", "estonian", "mk", "macedonian", "br", "breton", "eu", "basque", "is", "icelandic", "hy", "armenian",
            "ne", "nepali", "mn", "mongolian", "bs", "bosnian", "kk", "kazakh", "sq", "albanian", "sw", "swahili",
            "gl", "galician", "mr", "marathi", "pa", "punjabi", "si", "sinhala", "km", "khmer", "sn", "shona",
            "yo", "yoruba", "so", "somali", "af", "afrikaans", "oc", "occitan", "ka", "georgian", "be", "belarusian",
            "tg", "tajik", "sd", "sindhi", "gu", "gujarati", "am", "amharic", "yi", "yiddish", "lo", "lao",
            "uz", "uzbek", "fo", "faroese", "ht", "haitian creole", "ps", "pashto", "tk", "turkmen", "nn", "nynorsk",
            "mt", "maltese", "sa", "sanskrit", "lb", "luxembourgish", "my", "myanmar", "bo", "tibetan", "tl", "tagalog",
            "mg", "malagasy", "as", "assamese", "tt", "tatar", "haw", "hawaiian", "ln", "lingala", "ha", "hausa",
            "ba", "bashkir", "jw", "javanese", "su", "sundanese", "yue", "cantonese"};
    private static final Map<String, String> NAMES = new LinkedHashMap<>(), CODES = new LinkedHashMap<>();

    static {
        for (int i = 0; i < TABLE.length; i += 2) {
            NAMES.put(TABLE[i], TABLE[i + 1]);
            CODES.put(TABLE[i + 1], TABLE[i]);
        }
    }

    private Languages() {}

    /** The language's name for a code ("english" for "en"); the code itself when it is not one of Whisper's. */
    public static String name(String code) {
        return NAMES.getOrDefault(code, code);
    }

    /** The code for a request's language, given as a code ("en") or a name ("English"); null when it is neither. */
    public static String code(String codeOrName) {
        String key = codeOrName.strip().toLowerCase(Locale.ROOT);
        return NAMES.containsKey(key) ? key : CODES.get(key);
    }
}
