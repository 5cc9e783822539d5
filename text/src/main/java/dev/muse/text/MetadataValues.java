package dev.muse.text;

import java.util.List;

/**
 * Turns the loosely typed values a metadata reader hands out (boxed numbers, Java arrays or lists)
 * into the plain types {@link Vocabulary} holds, with an error naming the key when the type is wrong:
 * GGUF files come from outside and a bad one must fail clearly, not with a ClassCastException.
 */
final class MetadataValues {

    private MetadataValues() {
    }

    static String string(String key, Object value) {
        if (value instanceof String s) {
            return s;
        }
        throw wrongType(key, value, "a string");
    }

    static boolean bool(String key, Object value) {
        return switch (value) {
            case Boolean b -> b;
            // Some writers store flags as 0/1 integers.
            case Number n -> n.longValue() != 0;
            default -> throw wrongType(key, value, "a boolean");
        };
    }

    static long integer(String key, Object value) {
        if (value instanceof Number n && !(value instanceof Float) && !(value instanceof Double)) {
            return n.longValue();
        }
        throw wrongType(key, value, "an integer");
    }

    static String[] strings(String key, Object value) {
        Object[] items = items(key, value, "a string array");
        String[] out = new String[items.length];
        for (int i = 0; i < items.length; i++) {
            out[i] = items[i] instanceof String s ? s : null;
            if (out[i] == null) {
                throw new IllegalArgumentException(key + "[" + i + "] is not a string: " + describe(items[i]));
            }
        }
        return out;
    }

    static float[] floats(String key, Object value) {
        if (value instanceof float[] f) {
            return f.clone();
        }
        if (value instanceof double[] d) {
            float[] out = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                out[i] = (float) d[i];
            }
            return out;
        }
        Object[] items = items(key, value, "a float array");
        float[] out = new float[items.length];
        for (int i = 0; i < items.length; i++) {
            if (!(items[i] instanceof Number n)) {
                throw new IllegalArgumentException(key + "[" + i + "] is not a number: " + describe(items[i]));
            }
            out[i] = n.floatValue();
        }
        return out;
    }

    static int[] ints(String key, Object value) {
        switch (value) {
            case int[] a -> {
                return a.clone();
            }
            case long[] a -> {
                int[] out = new int[a.length];
                for (int i = 0; i < a.length; i++) {
                    out[i] = Math.toIntExact(a[i]);
                }
                return out;
            }
            case byte[] a -> {
                int[] out = new int[a.length];
                for (int i = 0; i < a.length; i++) {
                    out[i] = a[i];
                }
                return out;
            }
            default -> {
                Object[] items = items(key, value, "an integer array");
                int[] out = new int[items.length];
                for (int i = 0; i < items.length; i++) {
                    out[i] = Math.toIntExact(integer(key + "[" + i + "]", items[i]));
                }
                return out;
            }
        }
    }

    private static Object[] items(String key, Object value, String expected) {
        return switch (value) {
            case Object[] array -> array;
            case List<?> list -> list.toArray();
            default -> throw wrongType(key, value, expected);
        };
    }

    private static IllegalArgumentException wrongType(String key, Object value, String expected) {
        return new IllegalArgumentException("GGUF key " + key + " should be " + expected + " but is " + describe(value));
    }

    private static String describe(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName();
    }
}
