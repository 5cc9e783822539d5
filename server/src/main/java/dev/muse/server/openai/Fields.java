package dev.muse.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Typed, range-checked reads of request fields; a wrong type or range is a 400 naming the parameter. */
final class Fields {
    private Fields() {}

    static boolean present(JsonNode body, String name) {
        JsonNode n = body.get(name);
        return n != null && !n.isNull();
    }

    static String string(JsonNode body, String name) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw ApiException.invalid(name, "'" + name + "' must be a string");
        return n.textValue();
    }

    static String requiredString(JsonNode body, String name) {
        String s = string(body, name);
        if (s == null) throw ApiException.invalid(name, "missing_required_parameter", "Missing required parameter: '" + name + "'");
        return s;
    }

    static Integer integer(JsonNode body, String name, long min, long max) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) return null;
        if (!n.isIntegralNumber() && !(n.isNumber() && n.asDouble() == Math.rint(n.asDouble())))
            throw ApiException.invalid(name, "'" + name + "' must be an integer");
        if (!n.canConvertToLong() || n.asLong() < min || n.asLong() > max)
            throw ApiException.invalid(name, "'" + name + "' must be between " + min + " and " + max + ", got " + n);
        return (int) n.asLong();
    }

    static Long longValue(JsonNode body, String name) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) return null;
        if (!n.isIntegralNumber() || !n.canConvertToLong()) throw ApiException.invalid(name, "'" + name + "' must be an integer");
        return n.asLong();
    }

    static Float number(JsonNode body, String name, double min, double max) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) return null;
        if (!n.isNumber()) throw ApiException.invalid(name, "'" + name + "' must be a number");
        double v = n.asDouble();
        if (!(v >= min && v <= max)) throw ApiException.invalid(name, "'" + name + "' must be between " + min + " and " + max + ", got " + n);
        return (float) v;
    }

    static boolean bool(JsonNode body, String name) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) return false;
        if (!n.isBoolean()) throw ApiException.invalid(name, "'" + name + "' must be a boolean");
        return n.booleanValue();
    }

    /** OpenAI's stop: a string or an array of up to 4 strings. */
    static List<String> stop(JsonNode body) {
        JsonNode n = body.get("stop");
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) return out;
        if (n.isTextual()) out.add(n.textValue());
        else if (n.isArray() && n.size() <= 4) for (JsonNode s : n) {
            if (!s.isTextual()) throw ApiException.invalid("stop", "'stop' must be a string or an array of strings");
            out.add(s.textValue());
        }
        else throw ApiException.invalid("stop", "'stop' must be a string or an array of at most 4 strings");
        for (String s : out) if (s.isEmpty()) throw ApiException.invalid("stop", "stop strings cannot be empty");
        return out;
    }
}
