package dev.muse.formats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model folder's {@code config.json} (transformers' and diffusers' configs): typed reads of its top-level fields, each
 * failing with a FormatException that names the file and the field. The file is capped in size before it is read.
 */
public final class JsonConfig {
    /** Real configs are a few kilobytes; anything this large is not one. */
    static final long MAX_BYTES = 1 << 20;

    private final String where;
    private final Map<?, ?> fields;

    private JsonConfig(String where, Map<?, ?> fields) {
        this.where = where;
        this.fields = fields;
    }

    public static JsonConfig read(Path file) throws IOException {
        String where = file.getParent() == null ? file.toString() : file.getParent().getFileName() + "/" + file.getFileName();
        if (!Files.isRegularFile(file)) throw new FormatException(where + " is missing");
        if (Files.size(file) > MAX_BYTES) throw new FormatException(where + " is " + Files.size(file) + " bytes: not a model config");
        return parse(Files.readString(file), where);
    }

    public static JsonConfig parse(String json, String where) {
        if (!(JsonValues.parse(json, where) instanceof Map<?, ?> fields)) throw new FormatException(where + " is not a JSON object");
        return new JsonConfig(where, fields);
    }

    public boolean has(String key) { return fields.get(key) != null; }

    /** An integer field within [min, max]. */
    public int integer(String key, int min, int max) {
        if (!(fields.get(key) instanceof Long n)) throw new FormatException(where + ": " + key + " should be an integer, is " + describe(key));
        if (n < min || n > max) throw new FormatException(where + ": " + key + " = " + n + " is outside " + min + ".." + max);
        return (int) (long) n;
    }

    /** A list of 1 to {@code maxCount} integers, each within [min, max]. */
    public int[] integers(String key, int min, int max, int maxCount) {
        if (!(fields.get(key) instanceof java.util.List<?> items) || items.isEmpty() || items.size() > maxCount)
            throw new FormatException(where + ": " + key + " should be a list of 1 to " + maxCount + " integers, is " + describe(key));
        int[] out = new int[items.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(items.get(i) instanceof Long n) || n < min || n > max)
                throw new FormatException(where + ": " + key + "[" + i + "] = " + items.get(i) + " is not an integer in " + min + ".." + max);
            out[i] = (int) (long) n;
        }
        return out;
    }

    /**
     * A per-block integer: a list of exactly {@code count}, or one integer meaning the same for every block, or
     * {@code fallback} for every block when absent (diffusers writes attention_head_dim either way).
     */
    public int[] perBlock(String key, int count, int min, int max, int fallback) {
        Object value = fields.get(key);
        if (value == null || value instanceof Long) {
            int one = value == null ? fallback : integer(key, min, max);
            int[] out = new int[count];
            java.util.Arrays.fill(out, one);
            return out;
        }
        int[] out = integers(key, min, max, count);
        if (out.length != count) throw new FormatException(where + ": " + key + " lists " + out.length + " values for " + count + " blocks");
        return out;
    }

    /** A list of 1 to {@code maxCount} lists of integers ([[1, 3, 5], [1, 3, 5]]), each as {@link #integers} reads one. */
    public int[][] integerLists(String key, int min, int max, int maxCount) {
        if (!(fields.get(key) instanceof java.util.List<?> items) || items.isEmpty() || items.size() > maxCount)
            throw new FormatException(where + ": " + key + " should be a list of 1 to " + maxCount + " integer lists, is " + describe(key));
        int[][] out = new int[items.size()][];
        for (int i = 0; i < out.length; i++)
            out[i] = new JsonConfig(where, java.util.Collections.singletonMap(key + "[" + i + "]", items.get(i))).integers(key + "[" + i + "]", min, max, maxCount);
        return out;
    }

    /** A nested object (Kokoro's "plbert", "istftnet", "vocab"), read the same way; messages name it after this file. */
    public JsonConfig object(String key) {
        if (!(fields.get(key) instanceof Map<?, ?> nested)) throw new FormatException(where + ": " + key + " should be an object, is " + describe(key));
        return new JsonConfig(where + ": " + key, nested);
    }

    /** The field names, in file order. */
    public java.util.List<String> keys() {
        return fields.keySet().stream().map(String::valueOf).toList();
    }

    /** A list of 1 to {@code maxCount} strings. */
    public java.util.List<String> strings(String key, int maxCount) {
        if (!(fields.get(key) instanceof java.util.List<?> items) || items.isEmpty() || items.size() > maxCount)
            throw new FormatException(where + ": " + key + " should be a list of 1 to " + maxCount + " strings, is " + describe(key));
        java.util.List<String> out = new java.util.ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof String s)) throw new FormatException(where + ": " + key + " holds " + item + ", not a string");
            out.add(s);
        }
        return out;
    }

    /** A boolean field, or {@code fallback} when absent. */
    public boolean bool(String key, boolean fallback) {
        Object value = fields.get(key);
        if (value == null) return fallback;
        if (!(value instanceof Boolean b)) throw new FormatException(where + ": " + key + " should be true or false, is " + describe(key));
        return b;
    }

    /** A number field, or {@code fallback} when absent. */
    public double number(String key, double fallback) {
        Object value = fields.get(key);
        if (value == null) return fallback;
        if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) throw new FormatException(where + ": " + key + " should be a number, is " + describe(key));
        return n.doubleValue();
    }

    /** A string field, or {@code fallback} when absent. */
    public String string(String key, String fallback) {
        Object value = fields.get(key);
        if (value == null) return fallback;
        if (!(value instanceof String s)) throw new FormatException(where + ": " + key + " should be a string, is " + describe(key));
        return s;
    }

    /** Where this config came from, for messages: "text_encoder/config.json". */
    public String where() { return where; }

    private String describe(String key) {
        Object value = fields.get(key);
        if (value == null) return "missing";
        String s = String.valueOf(value);
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
