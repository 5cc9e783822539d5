package dev.muse.formats;

import dev.muse.formats.GgufValueType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Key/value metadata of a weight file, in file order, each value with its GGUF type so that it can be
 * written back unchanged. Java values: scalar integers are Integer (8-32 bit; UINT32 too when it fits,
 * else Long) or Long (64 bit); FLOAT32 is Float, FLOAT64 Double, BOOL Boolean, STRING String; arrays are
 * int[] (integer types up to 32 bits), long[], float[], double[], boolean[], String[] or Object[] (nested).
 */
public final class Metadata {
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, GgufValueType> types = new LinkedHashMap<>();
    private final Map<String, GgufValueType> elementTypes = new LinkedHashMap<>();

    /** Adds or replaces a value; for arrays, elementType names the GGUF type of the elements. */
    public Metadata put(String key, GgufValueType type, GgufValueType elementType, Object value) {
        values.put(key, value);
        types.put(key, type);
        if (elementType != null) elementTypes.put(key, elementType);
        else elementTypes.remove(key);
        return this;
    }

    public Metadata putString(String key, String value) { return put(key, GgufValueType.STRING, null, value); }
    public Metadata putUInt32(String key, int value) { return put(key, GgufValueType.UINT32, null, value); }
    public Metadata putInt32(String key, int value) { return put(key, GgufValueType.INT32, null, value); }
    public Metadata putFloat32(String key, float value) { return put(key, GgufValueType.FLOAT32, null, value); }
    public Metadata putBool(String key, boolean value) { return put(key, GgufValueType.BOOL, null, value); }
    public Metadata putStrings(String key, String[] value) { return put(key, GgufValueType.ARRAY, GgufValueType.STRING, value); }
    public Metadata putFloats(String key, float[] value) { return put(key, GgufValueType.ARRAY, GgufValueType.FLOAT32, value); }
    public Metadata putInts(String key, int[] value) { return put(key, GgufValueType.ARRAY, GgufValueType.INT32, value); }

    public Set<String> keys() { return Collections.unmodifiableSet(values.keySet()); }

    public boolean has(String key) { return values.containsKey(key); }

    /** The raw value (see the class comment for its Java type), or null. */
    public Object get(String key) { return values.get(key); }

    public GgufValueType type(String key) { return types.get(key); }

    public GgufValueType elementType(String key) { return elementTypes.get(key); }

    public String getString(String key, String fallback) {
        return values.get(key) instanceof String s ? s : fallback;
    }

    public String requireString(String key) {
        if (values.get(key) instanceof String s) return s;
        throw missing(key, "a string");
    }

    public int getInt(String key, int fallback) {
        return has(key) ? requireInt(key) : fallback;
    }

    public int requireInt(String key) {
        if (values.get(key) instanceof Number n) {
            long v = n.longValue();
            if (n instanceof Integer || n instanceof Long) {
                if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw new FormatException(key + " = " + v + " is out of range");
                return (int) v;
            }
        }
        throw missing(key, "an integer");
    }

    public float getFloat(String key, float fallback) {
        return has(key) ? requireFloat(key) : fallback;
    }

    public float requireFloat(String key) {
        if (values.get(key) instanceof Number n) return n.floatValue();
        throw missing(key, "a number");
    }

    public boolean getBool(String key, boolean fallback) {
        return values.get(key) instanceof Boolean b ? b : fallback;
    }

    public String[] getStrings(String key) {
        return values.get(key) instanceof String[] a ? a : null;
    }

    public float[] getFloats(String key) {
        return values.get(key) instanceof float[] a ? a : null;
    }

    public int[] getInts(String key) {
        return values.get(key) instanceof int[] a ? a : null;
    }

    private FormatException missing(String key, String what) {
        Object v = values.get(key);
        return new FormatException(v == null ? "metadata key " + key + " is missing"
                : "metadata key " + key + " should be " + what + " but is " + types.get(key));
    }
}
