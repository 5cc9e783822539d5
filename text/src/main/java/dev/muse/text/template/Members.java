package dev.muse.text.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code x.name}, {@code x[key]} and {@code x[a:b:c]}. Attribute access is data access: a mapping's
 * keys, a namespace's attributes, list and string indexes, and the small whitelist in
 * {@link Methods}. There is no reflection behind it, and names starting with "__" (Python's route to
 * {@code __class__} and friends in template-injection exploits) are refused outright.
 */
final class Members {
    private Members() {}

    static Object get(Object object, Object key, Budget budget) {
        if (object instanceof Map<?, ?> || object instanceof Namespace) {
            if (!(key instanceof String name)) {
                throw new TemplateException("cannot look up " + Values.describe(key) + " key in " + Values.describe(object));
            }
            Map<?, ?> map = object instanceof Namespace ns ? ns.attributes : (Map<?, ?>) object;
            if (map.containsKey(name)) return map.get(name);
            refuseDunder(name);
            if (object instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> mapping = (Map<String, Object>) m;
                Object method = Methods.ofMapping(mapping, name, budget);
                if (method != null) return method;
            }
            return Undefined.VALUE;
        }
        if (object instanceof List<?> || object instanceof String) {
            if (key instanceof Long index) return index(object, index);
            if (key instanceof String name) {
                refuseDunder(name);
                Object member = object instanceof String s ? Methods.ofString(s, name, budget) : Methods.ofList((List<?>) object, name);
                return member != null ? member : Undefined.VALUE;
            }
            throw new TemplateException("cannot index " + Values.describe(object) + " with " + Values.describe(key));
        }
        if (!(key instanceof String name)) {
            throw new TemplateException("cannot index " + Values.describe(object) + " with " + Values.describe(key));
        }
        refuseDunder(name);
        return Undefined.VALUE; // numbers, booleans, none, undefined and functions have no attributes
    }

    private static void refuseDunder(String name) {
        if (name.startsWith("__")) throw new TemplateException("access to attribute '" + name + "' is not allowed");
    }

    /** Python-style indexing with negative indexes from the end; out of range is undefined. Strings index UTF-16 units. */
    private static Object index(Object sequence, long index) {
        int length = sequence instanceof String s ? s.length() : ((List<?>) sequence).size();
        long i = index < 0 ? length + index : index;
        if (i < 0 || i >= length) return Undefined.VALUE;
        return sequence instanceof String s ? String.valueOf(s.charAt((int) i)) : ((List<?>) sequence).get((int) i);
    }

    /** Slicing with the reference's index clamping; strings slice by code point. */
    static Object slice(Object object, Object start, Object stop, Object step, Budget budget) {
        if (!(object instanceof List<?> || object instanceof String)) {
            throw new TemplateException("cannot slice " + Values.describe(object));
        }
        Long from = sliceBound(start, "start"), to = sliceBound(stop, "stop"), by = sliceBound(step, "step");
        long stride = by == null ? 1 : by;
        if (stride == 0) throw new TemplateException("slice step cannot be zero");
        if (object instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (long i : indices(list.size(), from, to, stride, budget)) out.add(list.get((int) i));
            return out;
        }
        int[] codePoints = ((String) object).codePoints().toArray();
        StringBuilder sb = new StringBuilder();
        for (long i : indices(codePoints.length, from, to, stride, budget)) sb.appendCodePoint(codePoints[(int) i]);
        return sb.toString();
    }

    private static Long sliceBound(Object v, String what) {
        if (v == Undefined.VALUE) return null;
        if (v instanceof Long l) return l;
        throw new TemplateException("slice " + what + " must be an integer, got " + Values.typeName(v));
    }

    private static long[] indices(int length, Long start, Long stop, long step, Budget budget) {
        long from, to;
        if (step > 0) {
            from = start == null ? 0 : start < 0 ? Math.max(length + start, 0) : Math.min(start, length);
            to = stop == null ? length : stop < 0 ? Math.max(length + stop, 0) : Math.min(stop, length);
        } else {
            from = start == null ? length - 1 : start < 0 ? Math.max(length + start, -1) : Math.min(start, length - 1);
            to = stop == null ? -1 : stop < -1 ? Math.max(length + stop, -1) : Math.min(stop, length - 1);
        }
        long count = step > 0 ? Math.max(0, (to - from + step - 1) / step) : Math.max(0, (from - to + (-step) - 1) / -step);
        budget.items(count);
        long[] out = new long[(int) count];
        for (int k = 0; k < count; k++) out[k] = from + k * step;
        return out;
    }
}
