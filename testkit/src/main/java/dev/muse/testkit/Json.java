package dev.muse.testkit;

import dev.muse.formats.JsonValues;
import java.util.List;
import java.util.Map;

/**
 * The tokenizer.json / tokenizer_config.json files that testkit turns into GGUF vocabularies, read with formats'
 * strict {@link JsonValues} (objects in file order, numbers Long when integral and Double otherwise), and typed views of
 * their parts that fail with a clear message.
 */
final class Json {
    private Json() {}

    static Object parse(String text) {
        return JsonValues.parse(text, "JSON file");
    }

    /** The value as a JSON object, or a clear error naming what was expected. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value, String what) {
        if (value instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new IllegalArgumentException(what + " is not a JSON object");
    }

    @SuppressWarnings("unchecked")
    static List<Object> array(Object value, String what) {
        if (value instanceof List<?> l) return (List<Object>) l;
        throw new IllegalArgumentException(what + " is not a JSON array");
    }
}
